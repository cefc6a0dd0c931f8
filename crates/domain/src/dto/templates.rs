//! The WhatsApp message templates: `GET /api/admin/message-templates`,
//! `PUT /api/admin/message-templates/{key}` and `POST …/{key}/preview`.

use serde::{Deserialize, Serialize};

/// A template as the admin page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateInfo {
    pub key: String,
    /// Saring's own text.
    pub builtin: String,
    /// The admin's text, when there is one (it is what gets sent).
    pub custom: Option<String>,
    /// The placeholders a text for this key may use.
    pub placeholders: Vec<String>,
}

impl TemplateInfo {
    /// The text in force: the admin's, else the built-in one.
    pub fn text(&self) -> &str {
        self.custom.as_deref().unwrap_or(&self.builtin)
    }

    pub fn is_custom(&self) -> bool {
        self.custom.is_some()
    }
}

/// `{"body": "…"}` of a save or a preview; `null` (or empty): the built-in text (save) or the
/// text in force (preview).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateBody {
    pub body: Option<String>,
}

/// The answer to a preview: the message the text gives with example values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplatePreview {
    pub text: String,
}
