//! Kubernetes' reading of a CronJob `schedule`, exactly.
//!
//! The API server validates it with `cron.ParseStandard` from robfig/cron v3 and refuses any `TZ`
//! (kubernetes `pkg/apis/batch/validation/validation.go`, `validateScheduleFormat`); the CronJob
//! controller parses it with the same function. This is that parser's grammar, written from its
//! source (robfig/cron v3 `parser.go`: `Parse`, `normalizeFields`, `getField`, `getRange`,
//! `parseIntOrName`, `mustParseInt`, `parseDescriptor`; bounds from `spec.go`), returning its
//! error text. Nothing else: no `L`, `W`, `#`, no seconds, no year, names only in the month and
//! day-of-week fields, `?` the same as `*`, day-of-week 0-6 (7 is not Sunday).

/// A field of the standard spec: its name for messages, bounds, and names (lower case).
struct Field {
    name: &'static str,
    min: u64,
    max: u64,
    names: &'static [(&'static str, u64)],
}

const MONTHS: &[(&str, u64)] = &[
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];
const DAYS: &[(&str, u64)] = &[("sun", 0), ("mon", 1), ("tue", 2), ("wed", 3), ("thu", 4), ("fri", 5), ("sat", 6)];

/// robfig/cron `spec.go`: minutes 0-59, hours 0-23, dom 1-31, months 1-12, dow 0-6.
const FIELDS: [Field; 5] = [
    Field { name: "minute", min: 0, max: 59, names: &[] },
    Field { name: "hour", min: 0, max: 23, names: &[] },
    Field { name: "day of month", min: 1, max: 31, names: &[] },
    Field { name: "month", min: 1, max: 12, names: MONTHS },
    Field { name: "day of week", min: 0, max: 6, names: DAYS },
];

/// Why Kubernetes refuses a schedule: a sentence for a person (`what`) and the API server's own
/// words (`words`, robfig's error or the `TZ` rule).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Rejection {
    pub what: String,
    pub words: String,
}

fn reject(what: impl Into<String>, words: impl Into<String>) -> Rejection {
    Rejection { what: what.into(), words: words.into() }
}

/// `schedule` as the API server validates it: `Ok` when both `cron.ParseStandard` and the `TZ` rule
/// accept it.
pub(super) fn check(schedule: &str) -> Result<(), Rejection> {
    if schedule.contains("TZ") {
        return Err(reject(
            "a time zone in the schedule is refused (Convox renders no `timeZone`: CronJobs run in the cluster's time zone)",
            "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        ));
    }
    parse_standard(schedule)
}

/// robfig/cron v3 `ParseStandard` (minute, hour, dom, month, dow, descriptors).
fn parse_standard(spec: &str) -> Result<(), Rejection> {
    if spec.is_empty() {
        return Err(reject("the schedule is empty", "empty spec string"));
    }
    if spec.starts_with('@') {
        return descriptor(spec);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        let words = format!("expected exactly 5 fields, found {}: [{}]", fields.len(), fields.join(" "));
        return Err(reject("a schedule has 5 fields (minute hour day-of-month month day-of-week)", words));
    }
    for (text, field) in fields.iter().zip(&FIELDS) {
        // `strings.FieldsFunc(field, ',')`: empty items are skipped.
        for expr in text.split(',').filter(|e| !e.is_empty()) {
            range(expr, field).map_err(|words| {
                let names = if field.names.is_empty() {
                    String::new()
                } else {
                    format!(
                        " or {}-{}",
                        field.names[0].0.to_uppercase(),
                        field.names[field.names.len() - 1].0.to_uppercase()
                    )
                };
                // robfig's day-of-week stops at 6: unlike most crons, 7 is not Sunday.
                let sunday = if field.max == 6 { " (Sunday is 0; 7 is refused)" } else { "" };
                let what =
                    format!("{} takes {}-{}{names}{sunday}, `*`, ranges and `/step`", field.name, field.min, field.max);
                reject(what, words)
            })?;
        }
    }
    Ok(())
}

/// `getRange`: `*` or `?`, `N`, `N-M`, each with an optional `/step`; `N/step` means `N-max/step`.
fn range(expr: &str, f: &Field) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let (start, mut end) = if low_and_high[0] == "*" || low_and_high[0] == "?" {
        // robfig does not look past the `*`: `*-5` reads as `*`.
        (f.min, f.max)
    } else {
        let start = int_or_name(low_and_high[0], f)?;
        match low_and_high.len() {
            1 => (start, start),
            2 => (start, int_or_name(low_and_high[1], f)?),
            _ => return Err(format!("too many hyphens: {expr}")),
        }
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            if low_and_high.len() == 1 {
                end = f.max;
            }
            must_parse_int(range_and_step[1])?
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < f.min {
        return Err(format!("beginning of range ({start}) below minimum ({}): {expr}", f.min));
    }
    if end > f.max {
        return Err(format!("end of range ({end}) above maximum ({}): {expr}", f.max));
    }
    if start > end {
        return Err(format!("beginning of range ({start}) beyond end of range ({end}): {expr}"));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(())
}

/// `parseIntOrName`: a name (any case) where the field has names, else a number.
fn int_or_name(expr: &str, f: &Field) -> Result<u64, String> {
    let lower = expr.to_ascii_lowercase();
    match f.names.iter().find(|(n, _)| *n == lower) {
        Some((_, v)) => Ok(*v),
        None => must_parse_int(expr),
    }
}

/// `mustParseInt`: Go's `strconv.Atoi` (an optional sign, decimal digits), then no negatives.
fn must_parse_int(expr: &str) -> Result<u64, String> {
    let (negative, digits) = match expr.as_bytes().first() {
        Some(b'-') => (true, &expr[1..]),
        Some(b'+') => (false, &expr[1..]),
        _ => (false, expr),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: invalid syntax"));
    }
    let Ok(n) = digits.parse::<i64>() else {
        return Err(format!("failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: value out of range"));
    };
    if negative && n != 0 {
        return Err(format!("negative number (-{n}) not allowed: {expr}"));
    }
    Ok(n as u64)
}

/// `parseDescriptor`: the exact macros (case-sensitive), or `@every <Go duration>`.
fn descriptor(spec: &str) -> Result<(), Rejection> {
    if matches!(spec, "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight" | "@hourly") {
        return Ok(());
    }
    if let Some(d) = spec.strip_prefix("@every ") {
        return go_duration(d).map_err(|e| {
            reject(
                "`@every` takes a Go duration such as `90s`, `15m` or `1h30m`",
                format!("failed to parse duration {spec}: {e}"),
            )
        });
    }
    Err(reject(
        "the `@` forms are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly and @every <duration>",
        format!("unrecognized descriptor: {spec}"),
    ))
}

/// Go's `time.ParseDuration`: `[-+]` then one or more `<decimal><unit>`, units ns us µs μs ms s m h;
/// a bare `0` is allowed. Errors in Go's words.
fn go_duration(s: &str) -> Result<(), String> {
    let quoted = format!("{s:?}");
    let invalid = || format!("time: invalid duration {quoted}");
    let rest = s.strip_prefix(['-', '+']).unwrap_or(s);
    if rest == "0" {
        return Ok(());
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    let mut rest = rest;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac_len = 0;
        if let Some(after) = rest.strip_prefix('.') {
            frac_len = after.bytes().take_while(u8::is_ascii_digit).count();
            rest = &after[frac_len..];
        }
        if int_len == 0 && frac_len == 0 {
            return Err(invalid());
        }
        let unit_len = rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let nanos: u128 = match unit {
            "" => return Err(format!("time: missing unit in duration {quoted}")),
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(format!("time: unknown unit {:?} in duration {quoted}", unit)),
        };
        // Overflow past 2^63 ns (about 292 years) is an error in Go.
        let whole: u128 = if int_part.len() > 20 { u128::MAX } else { int_part.parse().unwrap_or(0) };
        total = total.saturating_add(whole.saturating_mul(nanos));
        if total > 1 << 63 {
            return Err(invalid());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> String {
        match check(s) {
            Ok(()) => "ok".to_string(),
            Err(r) => r.words,
        }
    }

    // robfig/cron v3 parser.go and spec.go, as called by kubernetes pkg/apis/batch/validation
    // (validateScheduleFormat).
    #[test]
    fn fields_bounds_names_and_steps() {
        for ok in [
            "* * * * *",
            "0 0 * * 0",
            "0 0 * * 6",
            "0 0 * * SUN",
            "0 0 * * mon-fri",
            "0 0 1 JAN *",
            "*/5 * * * *",
            "5/10 * * * *",
            "0-30/7 * * * *",
            "0 0 ? * *",
            "*-5 * * * *",
            "0,,30 * * * *",
            "+5 * * * *",
            "0 0 31 12 *",
        ] {
            assert_eq!(words(ok), "ok", "{ok}");
        }
        for (bad, expected) in [
            ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
            ("0 0 * * 0-7", "end of range (7) above maximum (6): 0-7"),
            ("60 * * * *", "end of range (60) above maximum (59): 60"),
            ("0 24 * * *", "end of range (24) above maximum (23): 24"),
            ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
            ("0 0 * 13 *", "end of range (13) above maximum (12): 13"),
            ("0 0 * 0 *", "beginning of range (0) below minimum (1): 0"),
            ("5-2 * * * *", "beginning of range (5) beyond end of range (2): 5-2"),
            ("*/0 * * * *", "step of range should be a positive number: */0"),
            ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
            ("1/2/3 * * * *", "too many slashes: 1/2/3"),
            ("0 0 L * *", "failed to parse int from L: strconv.Atoi: parsing \"L\": invalid syntax"),
            ("0 0 15W * *", "failed to parse int from 15W: strconv.Atoi: parsing \"15W\": invalid syntax"),
            ("0 0 * * 5#3", "failed to parse int from 5#3: strconv.Atoi: parsing \"5#3\": invalid syntax"),
            ("0 0 * * MONDAY", "failed to parse int from MONDAY: strconv.Atoi: parsing \"MONDAY\": invalid syntax"),
            ("0 0 JAN * *", "failed to parse int from JAN: strconv.Atoi: parsing \"JAN\": invalid syntax"),
            ("0 0 * * *", "ok"),
            ("0 0 * *", "expected exactly 5 fields, found 4: [0 0 * *]"),
            ("0 0 0 * * *", "expected exactly 5 fields, found 6: [0 0 0 * * *]"),
            ("", "empty spec string"),
        ] {
            assert_eq!(words(bad), expected, "{bad}");
        }
    }

    #[test]
    fn descriptors_and_time_zones() {
        for ok in ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"] {
            assert_eq!(words(ok), "ok", "{ok}");
        }
        for ok in ["@every 5m", "@every 1h30m", "@every 1.5h", "@every 0", "@every 500ms", "@every 10µs"] {
            assert_eq!(words(ok), "ok", "{ok}");
        }
        for (bad, expected) in [
            ("@Daily", "unrecognized descriptor: @Daily"),
            ("@reboot", "unrecognized descriptor: @reboot"),
            ("@every", "unrecognized descriptor: @every"),
            ("@every 5", "failed to parse duration @every 5: time: missing unit in duration \"5\""),
            ("@every 5d", "failed to parse duration @every 5d: time: unknown unit \"d\" in duration \"5d\""),
            ("@every .", "failed to parse duration @every .: time: invalid duration \".\""),
            ("@every 9999999h", "failed to parse duration @every 9999999h: time: invalid duration \"9999999h\""),
            ("TZ=UTC 0 0 * *", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
            ("CRON_TZ=Europe/Paris @daily", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
        ] {
            assert_eq!(words(bad), expected, "{bad}");
        }
    }
}
