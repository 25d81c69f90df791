//! AWS Cost and Usage Report columns: CUR 2.0 (Data Exports, snake_case:
//! `line_item_usage_start_date`, `line_item_usage_type`, `pricing_unit` …) and, where cheap, the
//! legacy CUR spelling (`lineItem/UsageStartDate`, `lineItem/UsageType`, `pricing/unit` …).
//!
//! Marketplace-billed Bedrock models keep the model out of the usage type; it is read from the
//! first non-empty product-name column (`product_product_name`, `product_servicename`,
//! `product/ProductName`, `product/servicename`; which of them an export carries is assumed, not
//! verified) or, failing that, from `line_item_resource_id`.

use super::read::Schema;

/// The CUR columns the import reads.
pub const SCHEMA: Schema = Schema {
    name: "CUR",
    start: &["line_item_usage_start_date", "lineItem/UsageStartDate"],
    end: &["line_item_usage_end_date", "lineItem/UsageEndDate"],
    service: &["line_item_product_code", "lineItem/ProductCode"],
    usage_type: &["line_item_usage_type", "lineItem/UsageType"],
    quantity: &["line_item_usage_amount", "lineItem/UsageAmount"],
    unit: &["pricing_unit", "pricing/unit"],
    charge_type: &["line_item_line_item_type", "lineItem/LineItemType"],
    product: &[
        "product_product_name",
        "product_servicename",
        "product/ProductName",
        "product/servicename",
    ],
    resource: &["line_item_resource_id", "lineItem/ResourceId"],
    is_usage,
};

/// `Usage`, and usage covered by a discount or a Savings Plan; not `Tax`, `Credit`, `Refund`,
/// `Fee`, `RIFee`, `SavingsPlanNegation`, discounts …
fn is_usage(line_item_type: &str) -> bool {
    ["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(line_item_type.trim()))
}
