//! CSV exports (RFC 4180): the incident list, actions, the KPI table and the
//! regulator log, written the same way by the app and the server.
//!
//! - Lines end with CRLF, the last one too; text is UTF-8. A byte order mark
//!   may be asked for, because spreadsheet programs otherwise guess the
//!   encoding and mangle names such as "Zoë".
//! - A field is quoted when it holds a comma, a double quote, CR or LF;
//!   quotes inside are doubled.
//! - **Formula injection**: a spreadsheet runs a cell that begins with `=`,
//!   `+`, `-` or `@` (and some also after a leading tab or CR) as a formula,
//!   so a title typed on a tablet as `=HYPERLINK(…)` could act on the
//!   manager's computer. Such a cell is written with a `'` in front, which
//!   spreadsheets show as text (OWASP's advice). Plain numbers such as `-3`
//!   or `+2.5` are left alone: they cannot run anything, and a numeric
//!   column should stay numeric. A reader of the file gets the `'` back as
//!   part of the text.

/// Written first when a byte order mark is wanted.
pub const BOM: char = '\u{feff}';

/// The CSV text of `rows`, one line per row.
pub fn write<R, C>(rows: impl IntoIterator<Item = R>, bom: bool) -> String
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut out = String::new();
    if bom {
        out.push(BOM);
    }
    for row in rows {
        for (i, cell) in row.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_cell(&mut out, cell.as_ref());
        }
        out.push_str("\r\n");
    }
    out
}

fn push_cell(out: &mut String, cell: &str) {
    let guarded = needs_guard(cell);
    if cell.contains([',', '"', '\r', '\n']) {
        out.push('"');
        if guarded {
            out.push('\'');
        }
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        if guarded {
            out.push('\'');
        }
        out.push_str(cell);
    }
}

/// Whether a spreadsheet could read `cell` as a formula (see the module notes).
fn needs_guard(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(cell)
}

/// `-3`, `+2.5`, `12`: an optional sign, digits, and optionally a point and
/// more digits.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A strict RFC 4180 reader, to check what was written reads back.
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let (mut row, mut cell) = (Vec::new(), String::new());
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') => {
                    assert!(cell.is_empty(), "a quote inside an unquoted field");
                    quoted = true;
                }
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\r') => {
                    assert_eq!(chars.next(), Some('\n'), "CR without LF");
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => {
                    assert_ne!(c, '\n', "bare LF ends a line");
                    cell.push(c);
                }
            }
        }
        assert!(!quoted && cell.is_empty() && row.is_empty(), "unterminated");
        rows
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let text = write(
            [
                vec!["id", "title", "note"],
                vec!["1", "Pump 3, north yard", "said \"stop\""],
                vec!["2", "two\nlines", "cr\rhere"],
            ],
            false,
        );
        assert_eq!(
            text,
            "id,title,note\r\n\
             1,\"Pump 3, north yard\",\"said \"\"stop\"\"\"\r\n\
             2,\"two\nlines\",\"cr\rhere\"\r\n"
        );
    }

    #[test]
    fn a_byte_order_mark_is_written_only_when_asked() {
        let rows = [["Zoë"]];
        assert_eq!(write(rows, true), "\u{feff}Zoë\r\n");
        assert_eq!(write(rows, false).as_bytes(), "Zoë\r\n".as_bytes());
        assert_eq!(write(Vec::<Vec<String>>::new(), false), "");
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_written_as_text() {
        let text = write(
            [[
                "=1+1",
                "+SUM(A1)",
                "-2+3",
                "@cmd",
                "\tx",
                "=HYPERLINK(\"http://x\",\"y\")",
            ]],
            false,
        );
        assert_eq!(
            text,
            "'=1+1,'+SUM(A1),'-2+3,'@cmd,'\tx,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"
        );
    }

    #[test]
    fn plain_numbers_and_ordinary_text_are_left_alone() {
        let text = write([["-3", "+2.5", "12", "a=b", "1-2", "", "-", "-.5"]], false);
        assert_eq!(text, "-3,+2.5,12,a=b,1-2,,'-,'-.5\r\n");
    }

    #[test]
    fn what_is_written_reads_back_with_guards_added() {
        let rows: Vec<Vec<String>> = vec![
            vec!["Title".into(), "Body".into(), String::new()],
            vec![
                "Leak, \"big\"".into(),
                "line 1\r\nline 2\n".into(),
                "Zoë 🚒".into(),
            ],
            vec!["=cmd|'/C calc'!A0".into(), "-7".into(), ",".into()],
        ];
        let back = parse(&write(&rows, false));
        let mut expected = rows.clone();
        expected[2][0] = "'=cmd|'/C calc'!A0".into();
        assert_eq!(back, expected);
        let with_bom = write(&rows, true);
        assert_eq!(parse(with_bom.strip_prefix(BOM).unwrap()), expected);
    }
}
