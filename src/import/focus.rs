//! FOCUS 1.2 columns as AWS Data Exports writes them ("FOCUS 1.2 with AWS columns"):
//! `ChargePeriodStart`, `ChargePeriodEnd`, `ServiceName`, `ChargeCategory`, `ConsumedQuantity`
//! and `ConsumedUnit` (else `PricingQuantity` and `PricingUnit`), and the AWS extension
//! `x_UsageType`, which holds the CUR usage type. Marketplace models are named by `ServiceName`
//! (`Claude Sonnet 4.5 (Amazon Bedrock Edition)`) or `ResourceId`.

use super::read::Schema;

/// The FOCUS columns the import reads.
pub const SCHEMA: Schema = Schema {
    name: "FOCUS",
    start: &["ChargePeriodStart"],
    end: &["ChargePeriodEnd"],
    service: &["ServiceName"],
    usage_type: &["x_UsageType"],
    quantity: &["ConsumedQuantity", "PricingQuantity"],
    unit: &["ConsumedUnit", "PricingUnit"],
    charge_type: &["ChargeCategory"],
    product: &["ServiceName"],
    resource: &["ResourceId"],
    is_usage,
};

/// FOCUS `ChargeCategory` `Usage`; not `Purchase`, `Tax`, `Credit`, `Adjustment`.
fn is_usage(charge_category: &str) -> bool {
    charge_category.trim().eq_ignore_ascii_case("Usage")
}
