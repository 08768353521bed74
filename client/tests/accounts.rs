//! The words of first-time setup and account management: what each form says
//! before it sends anything, and what each error the server can answer reads
//! as, so a person always learns what to do next.

use outpost_client::accounts::{
    Change, MIN_PASSWORD_LEN, NEEDS_NETWORK, account_problem, as_sentence, change_done,
    new_user_problem, password_problem, role_label, setup_form_problem, setup_problem,
    with_article,
};
use outpost_client::api::{ApiError, error_from};
use outpost_model::protocol::Role;

/// The answer the server sends for `code`, through the app's own mapping.
fn refused(status: u16, code: &str, message: &str) -> ApiError {
    let body = format!(r#"{{"error": {{"code": "{code}", "message": "{message}"}}}}"#);
    error_from(status, &body)
}

#[test]
fn setup_form_names_the_first_missing_thing() {
    assert_eq!(
        setup_form_problem(" - ", "admin", "long enough", "long enough").as_deref(),
        Some("Enter the setup code that the server printed when it started.")
    );
    assert_eq!(
        setup_form_problem("K7QM-2XRD-9FHT", "  ", "long enough", "long enough").as_deref(),
        Some("Enter a username for the first admin.")
    );
    assert_eq!(
        setup_form_problem("K7QM-2XRD-9FHT", "admin", "", "").as_deref(),
        Some("Enter a password.")
    );
    assert_eq!(
        setup_form_problem("k7qm 2xrd 9fht", "admin", "long enough", "long enough"),
        None
    );
}

#[test]
fn a_mistyped_confirmation_or_a_short_password_is_caught_before_sending() {
    assert_eq!(
        setup_form_problem("K7QM-2XRD-9FHT", "admin", "long enough", "long enougj").as_deref(),
        Some("The two passwords are different. Type the same password in both fields.")
    );
    let short = "x".repeat(MIN_PASSWORD_LEN - 1);
    assert_eq!(
        password_problem(&short, None).as_deref(),
        Some("The password must be at least 8 characters long.")
    );
    assert_eq!(password_problem(&"x".repeat(MIN_PASSWORD_LEN), None), None);
    assert_eq!(
        new_user_problem("", "long enough").as_deref(),
        Some("Enter a username for the new account.")
    );
    assert_eq!(new_user_problem("rita", "long enough"), None);
}

#[test]
fn a_wrong_setup_code_says_where_to_find_the_right_one() {
    let p = setup_problem(&refused(
        403,
        "bad_setup_code",
        "that is not the setup code this server printed at its last start",
    ));
    assert!(p.message.contains("server's log"), "{}", p.message);
    assert!(!p.offer_sign_in);
}

#[test]
fn a_server_already_set_up_offers_sign_in() {
    let p = setup_problem(&refused(
        409,
        "already_set_up",
        "this server already has an admin; sign in instead",
    ));
    assert!(p.offer_sign_in);
    assert!(
        p.message.starts_with("This server is already set up"),
        "{}",
        p.message
    );
}

#[test]
fn the_servers_password_rule_reaches_the_person_as_a_sentence() {
    let p = setup_problem(&refused(
        422,
        "bad_password",
        "the password must be at least 8 characters long",
    ));
    assert_eq!(
        p.message,
        "The password must be at least 8 characters long."
    );
    assert_eq!(
        account_problem(&refused(
            422,
            "bad_password",
            "the password must be at least 8 characters long"
        )),
        "The password must be at least 8 characters long."
    );
}

#[test]
fn setup_offline_and_too_many_codes_say_what_to_do() {
    assert!(
        setup_problem(&ApiError::Offline)
            .message
            .starts_with("You're offline")
    );
    let slow = setup_problem(&refused(429, "slow_down", "too many attempts"));
    assert!(
        slow.message.starts_with("Too many wrong setup codes. Wait"),
        "{}",
        slow.message
    );
}

#[test]
fn account_errors_read_as_sentences_to_act_on() {
    assert!(account_problem(&ApiError::Offline).starts_with(NEEDS_NETWORK));
    assert_eq!(
        account_problem(&refused(
            409,
            "last_admin",
            "this is the last active admin; make someone else an admin first"
        )),
        "This is the last admin who can sign in, so it must stay an enabled admin. Make someone else an admin first."
    );
    assert_eq!(
        account_problem(&refused(
            409,
            "duplicate_user",
            r#"a user called \"rita\" already exists"#
        )),
        "A user called \"rita\" already exists. Choose another username."
    );
    assert_eq!(
        account_problem(&refused(
            403,
            "forbidden",
            "only an admin can manage accounts"
        )),
        "Only an admin can manage accounts."
    );
    assert_eq!(
        account_problem(&refused(401, "unauthorized", "the token has expired")),
        "Your session ended. Sign in again to manage accounts."
    );
}

#[test]
fn confirmations_name_the_person_and_what_changed() {
    assert_eq!(
        change_done("rita", &Change::Role(Role::Admin)),
        "rita is now an admin."
    );
    assert_eq!(
        change_done("rita", &Change::Disabled(true)),
        "rita is disabled: they are signed out and cannot sign in."
    );
    assert_eq!(
        change_done("rita", &Change::Disabled(false)),
        "rita can sign in again."
    );
    assert_eq!(with_article(Role::Reporter), "a reporter");
    assert_eq!(role_label(Role::Manager), "Manager");
    assert_eq!(
        as_sentence("the password is empty"),
        "The password is empty."
    );
}
