//! A change: one field of one record set to one value at one clock stamp.
//! Changes are the only thing that travels between devices and the server.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Hlc;

/// `{"collection", "id", "field", "value", "hlc"}` on the wire (docs/protocol.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub collection: String,
    pub id: String,
    pub field: String,
    pub value: Value,
    pub hlc: Hlc,
}

/// The current value of one field and the stamp of the write that set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldState {
    pub value: Value,
    pub hlc: Hlc,
}

impl FieldState {
    /// Whether a write `(value, hlc)` replaces this one under last-writer-wins.
    ///
    /// The greater stamp wins. Two writes with the same stamp are the same write
    /// unless a device reused a stamp; the greater value (by its JSON text) then
    /// wins so that every replica still picks the same one.
    pub fn loses_to(&self, value: &Value, hlc: &Hlc) -> bool {
        match hlc.cmp(&self.hlc) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => {
                let (theirs, ours) = (value.to_string(), self.value.to_string());
                theirs > ours
            }
        }
    }
}

impl Change {
    pub fn field_state(&self) -> FieldState {
        FieldState {
            value: self.value.clone(),
            hlc: self.hlc.clone(),
        }
    }
}
