//! Finding a NaN or ±∞ anywhere in a value about to be written. CSV would print it as `NaN` or
//! `inf` and JSON as `null`, both silently; a serde serializer that only looks at numbers finds
//! it with the path of the field that holds it (`pools[0].curve[3].p50`).

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// The first non-finite number in `value` as (path, value), or None if every number is finite.
pub fn find_non_finite<T: Serialize + ?Sized>(value: &T) -> Option<(String, f64)> {
    let mut finder = Finder::default();
    match value.serialize(&mut finder) {
        Err(Found(path, v)) => Some((path, v)),
        Ok(()) => None,
    }
}

#[derive(Default)]
struct Finder {
    path: Vec<String>,
}

impl Finder {
    fn number(&self, value: f64) -> Result<(), Found> {
        if value.is_finite() {
            Ok(())
        } else {
            Err(Found(self.path.concat(), value))
        }
    }

    fn nested<T: Serialize + ?Sized>(&mut self, segment: String, value: &T) -> Result<(), Found> {
        self.path.push(segment);
        let result = value.serialize(&mut *self);
        self.path.pop();
        result
    }

    fn field(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!(".{name}")
        }
    }
}

/// Stops the walk at the first non-finite number (path, value). Any other "error" is impossible.
#[derive(Debug)]
struct Found(String, f64);

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.0, self.1)
    }
}

impl std::error::Error for Found {}

impl ser::Error for Found {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Found(message.to_string(), f64::NAN)
    }
}

/// Counts elements of sequences so that each gets its index in the path.
struct Seq<'a> {
    finder: &'a mut Finder,
    index: usize,
}

/// Map keys are rendered into the path when they are strings or numbers.
struct Map<'a> {
    finder: &'a mut Finder,
    key: String,
}

macro_rules! ignore {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method(self, _: $ty) -> Result<(), Found> { Ok(()) })*
    };
}

impl<'a> ser::Serializer for &'a mut Finder {
    type Ok = ();
    type Error = Found;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Map<'a>;
    type SerializeStruct = &'a mut Finder;
    type SerializeStructVariant = &'a mut Finder;

    ignore!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8])
    );

    fn serialize_f32(self, v: f32) -> Result<(), Found> {
        self.number(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Found> {
        self.number(v)
    }
    fn serialize_none(self) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Found> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Found> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Found> {
        let segment = self.field(variant);
        self.nested(segment, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a>, Found> {
        Ok(Seq {
            finder: self,
            index: 0,
        })
    }
    fn serialize_tuple(self, _: usize) -> Result<Seq<'a>, Found> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Seq<'a>, Found> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Seq<'a>, Found> {
        self.serialize_seq(None)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a>, Found> {
        Ok(Map {
            finder: self,
            key: String::new(),
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Found> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Found> {
        Ok(self)
    }
}

impl Seq<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        let segment = format!("[{}]", self.index);
        self.index += 1;
        self.finder.nested(segment, value)
    }
}

macro_rules! seq_like {
    ($($trait:ident :: $method:ident),*) => {
        $(impl ser::$trait for Seq<'_> {
            type Ok = ();
            type Error = Found;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
                self.element(value)
            }
            fn end(self) -> Result<(), Found> {
                Ok(())
            }
        })*
    };
}

seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Map<'_> {
    type Ok = ();
    type Error = Found;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Found> {
        self.key = key.serialize(KeyName).unwrap_or_else(|_| "?".to_string());
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        let segment = self.finder.field(&self.key);
        self.finder.nested(segment, value)
    }
    fn end(self) -> Result<(), Found> {
        Ok(())
    }
}

macro_rules! struct_like {
    ($($trait:ident),*) => {
        $(impl ser::$trait for &mut Finder {
            type Ok = ();
            type Error = Found;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Found> {
                let segment = self.field(key);
                self.nested(segment, value)
            }
            fn end(self) -> Result<(), Found> {
                Ok(())
            }
        })*
    };
}

struct_like!(SerializeStruct, SerializeStructVariant);

/// Renders a map key (string, integer or unit variant) for the path.
struct KeyName;

macro_rules! key_display {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method(self, v: $ty) -> Result<String, Found> { Ok(v.to_string()) })*
    };
}

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = Found;
    type SerializeSeq = Impossible<String, Found>;
    type SerializeTuple = Impossible<String, Found>;
    type SerializeTupleStruct = Impossible<String, Found>;
    type SerializeTupleVariant = Impossible<String, Found>;
    type SerializeMap = Impossible<String, Found>;
    type SerializeStruct = Impossible<String, Found>;
    type SerializeStructVariant = Impossible<String, Found>;

    key_display!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str)
    );

    fn serialize_bytes(self, _: &[u8]) -> Result<String, Found> {
        Ok("?".to_string())
    }
    fn serialize_none(self) -> Result<String, Found> {
        Ok("?".to_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Found> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Found> {
        Ok("?".to_string())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<String, Found> {
        Ok(name.to_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Found> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Found> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Result<String, Found> {
        Ok(variant.to_string())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Found> {
        Err(Found("?".to_string(), 0.0))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Found> {
        Err(Found("?".to_string(), 0.0))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Found> {
        Err(Found("?".to_string(), 0.0))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Found> {
        Err(Found("?".to_string(), 0.0))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Found> {
        Err(Found("?".to_string(), 0.0))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Found> {
        Err(Found("?".to_string(), 0.0))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Found> {
        Err(Found("?".to_string(), 0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Row {
        name: String,
        units: u32,
        mean: f64,
        maybe: Option<f64>,
    }

    #[derive(Serialize)]
    struct Report {
        rows: Vec<Row>,
        by_rule: BTreeMap<&'static str, f64>,
    }

    fn row(mean: f64, maybe: Option<f64>) -> Row {
        Row {
            name: "NaN".into(),
            units: 1,
            mean,
            maybe,
        }
    }

    #[test]
    fn finite_values_pass_and_strings_that_look_like_nan_are_not_numbers() {
        let report = Report {
            rows: vec![row(1.0, None), row(2.0, Some(3.0))],
            by_rule: BTreeMap::from([("min_mean", 1.0)]),
        };
        assert_eq!(find_non_finite(&report), None);
    }

    #[test]
    fn the_first_non_finite_number_is_named_by_its_path() {
        let report = Report {
            rows: vec![row(1.0, None), row(2.0, Some(f64::INFINITY))],
            by_rule: BTreeMap::new(),
        };
        let (path, value) = find_non_finite(&report).unwrap();
        assert_eq!(path, "rows[1].maybe");
        assert_eq!(value, f64::INFINITY);
        let report = Report {
            rows: vec![],
            by_rule: BTreeMap::from([("min_p90", f64::NAN)]),
        };
        assert_eq!(find_non_finite(&report).unwrap().0, "by_rule.min_p90");
        assert_eq!(find_non_finite(&[1.0, f64::NAN]).unwrap().0, "[1]");
    }
}
