//! Words and checks for first-time setup and account management: what a form
//! lacks before it is sent, and each error the server can answer, as a
//! sentence a person can act on. Pure, so the tests run without a server.

use outpost_model::protocol::Role;

use crate::api::ApiError;
use crate::words::sentence;

/// The shortest password the server accepts. The server decides (its
/// `MIN_PASSWORD_LEN`); the forms only say so before a round trip.
pub const MIN_PASSWORD_LEN: usize = 8;

/// What the forms say about the password before anything is typed.
pub const PASSWORD_HINT: &str =
    "At least 8 characters. A few unrelated words are easy to type on a tablet and hard to guess.";

/// Where the setup code comes from, for the setup page.
pub const WHERE_THE_CODE_IS: &str = "The setup code is printed by the server when it started: look in its log (or the window it runs in) for \u{201c}First-time setup with the code\u{201d}, followed by three groups of four letters and digits. Each start of the server prints a new code, and only the newest one works.";

/// Every role, in the order the role pickers offer them.
pub const ROLES: [Role; 3] = [Role::Reporter, Role::Manager, Role::Admin];

/// A role as a person reads it.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Reporter => "Reporter",
        Role::Manager => "Manager",
        Role::Admin => "Admin",
    }
}

/// What a role may do, in a few words, next to the role picker.
pub fn role_summary(role: Role) -> &'static str {
    match role {
        Role::Reporter => "logs incidents and adds to the ones they reported",
        Role::Manager => "does everything with incidents, problems and sites",
        Role::Admin => "a manager who also manages accounts",
    }
}

/// "the first letter in capitals." and a final full stop, for the server's
/// lowercase messages.
pub fn as_sentence(text: &str) -> String {
    let text = sentence(text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// What a new password lacks, if anything; `confirm` is `None` where the form
/// has no second field.
pub fn password_problem(password: &str, confirm: Option<&str>) -> Option<String> {
    if password.is_empty() {
        return Some("Enter a password.".into());
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Some(format!(
            "The password must be at least {MIN_PASSWORD_LEN} characters long."
        ));
    }
    match confirm {
        Some(again) if again != password => {
            Some("The two passwords are different. Type the same password in both fields.".into())
        }
        _ => None,
    }
}

/// What the first-time setup form lacks, if anything. The username is sent
/// trimmed.
pub fn setup_form_problem(
    code: &str,
    username: &str,
    password: &str,
    confirm: &str,
) -> Option<String> {
    if code.chars().filter(char::is_ascii_alphanumeric).count() == 0 {
        return Some("Enter the setup code that the server printed when it started.".into());
    }
    if username.trim().is_empty() {
        return Some("Enter a username for the first admin.".into());
    }
    password_problem(password, Some(confirm))
}

/// What the *Add user* form lacks, if anything.
pub fn new_user_problem(name: &str, password: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("Enter a username for the new account.".into());
    }
    password_problem(password, None)
}

/// A failed first-time setup, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupProblem {
    pub message: String,
    /// The server already has an admin: the way on is *Sign in*.
    pub offer_sign_in: bool,
}

/// Maps a failed `POST /api/v1/setup` (or status check) to words.
pub fn setup_problem(e: &ApiError) -> SetupProblem {
    let (message, offer_sign_in) = match e {
        ApiError::Offline => (
            "You're offline: first-time setup needs the network. Connect this tablet to the server and try again.".to_owned(),
            false,
        ),
        ApiError::Refused { code, message, .. } => match code.as_str() {
            "bad_setup_code" => (
                "That is not the setup code the server printed at its last start. Check the newest code in the server's log and type it again.".to_owned(),
                false,
            ),
            "already_set_up" => (
                "This server is already set up: its first admin exists. Sign in instead, or ask an admin for an account.".to_owned(),
                true,
            ),
            "slow_down" => (
                "Too many wrong setup codes. Wait a few minutes, check the code in the server's log, and try again.".to_owned(),
                false,
            ),
            "bad_user_name" | "bad_password" => (as_sentence(message), false),
            _ => (format!("Setup did not finish: {}", as_sentence(message)), false),
        },
        other => (
            format!("Setup did not finish: {}", as_sentence(&other.to_string())),
            false,
        ),
    };
    SetupProblem {
        message,
        offer_sign_in,
    }
}

/// What the *Users* page says when the network is missing.
pub const NEEDS_NETWORK: &str = "Managing accounts needs the network.";

/// Maps a failed account request (list, add, change) to words.
pub fn account_problem(e: &ApiError) -> String {
    match e {
        ApiError::Offline => format!(
            "{NEEDS_NETWORK} The server could not be reached; try again when this tablet is online."
        ),
        ApiError::Unauthorized(_) => {
            "Your session ended. Sign in again to manage accounts.".into()
        }
        ApiError::Refused { code, message, .. } => match code.as_str() {
            "last_admin" => "This is the last admin who can sign in, so it must stay an enabled admin. Make someone else an admin first.".into(),
            "forbidden" => "Only an admin can manage accounts.".into(),
            "not_found" => "That account is no longer on the server. The list has been read again.".into(),
            "duplicate_user" => format!("{} Choose another username.", as_sentence(message)),
            "bad_user_name" | "bad_password" => as_sentence(message),
            "slow_down" => "The server asks to slow down. Wait a minute and try again.".into(),
            _ => format!("The server refused: {}", as_sentence(message)),
        },
        other => format!("The server refused: {}", as_sentence(&other.to_string())),
    }
}

/// What a successful change did, for the row's confirmation.
pub fn change_done(name: &str, what: &Change) -> String {
    match what {
        Change::Role(role) => format!("{name} is now {}.", with_article(*role)),
        Change::Disabled(true) => {
            format!("{name} is disabled: they are signed out and cannot sign in.")
        }
        Change::Disabled(false) => format!("{name} can sign in again."),
        Change::Password => {
            format!("{name}'s password is reset. They are signed out and sign in with the new one.")
        }
    }
}

/// One change an admin makes to an account from its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Role(Role),
    Disabled(bool),
    Password,
}

/// "a reporter", "an admin".
pub fn with_article(role: Role) -> String {
    let word = role_label(role).to_lowercase();
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}
