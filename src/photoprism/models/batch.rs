//! The answer of `POST /api/v1/batch/photos/edit` (2025+ servers).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::photo::PhotoResult;
use super::serde_util::null_default;

/// `{"models":[…],"values":{…}}`: the edited rows and the values aggregated over the selection.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct BatchEditResponse {
    /// The selected photos as search rows, in selection order.
    #[serde(deserialize_with = "null_default")]
    pub models: Vec<PhotoResult>,
    /// Aggregated value per field (`Title`, `Caption`, `Albums`, …).
    #[serde(deserialize_with = "null_default")]
    pub values: BTreeMap<String, BatchFieldValue>,
}

/// One aggregated field: `{"value":…,"mixed":bool,"action":"none"}` or a list with `items`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BatchFieldValue {
    /// The common value (empty, or `-2` for numbers, when mixed).
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub value: serde_json::Value,
    /// True when the selected photos disagree.
    pub mixed: bool,
    /// `none`, `update`, `remove`.
    pub action: String,
    /// Items of list fields (albums, labels).
    #[serde(
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub items: Vec<BatchItem>,
}

/// One album or label of a batch list field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BatchItem {
    /// UID.
    pub value: String,
    /// Title.
    pub title: String,
    /// True when only some photos have it.
    pub mixed: bool,
    /// `none`, `add`, `remove`.
    pub action: String,
}
