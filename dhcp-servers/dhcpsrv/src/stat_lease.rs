//! `stat-lease4-get` / `stat-lease6-get` (stat_cmds): the subnet selection arguments and the
//! answer texts, shared by both servers. The servers compute the rows.

use serde_json::{Map, Value, json};

/// Which subnets the command asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubnetScope {
    /// Every configured subnet.
    All,
    /// `subnet-id`.
    One(u32),
    /// `subnet-range`: `first` through `last`, inclusive.
    Range(u32, u32),
}

impl SubnetScope {
    /// True when subnet `id` is in scope.
    pub fn contains(&self, id: u32) -> bool {
        match *self {
            SubnetScope::All => true,
            SubnetScope::One(x) => id == x,
            SubnetScope::Range(a, b) => (a..=b).contains(&id),
        }
    }

    /// Kea's bracketed description (`all subnets`, `subnet-id=1`, `subnets 1 through 5`).
    fn describe(&self) -> String {
        match *self {
            SubnetScope::All => "all subnets".into(),
            SubnetScope::One(x) => format!("subnet-id={x}"),
            SubnetScope::Range(a, b) => format!("subnets {a} through {b}"),
        }
    }
}

fn positive_id(v: Option<&Value>, key: &str, missing: &str) -> Result<u32, String> {
    let Some(n) = v.and_then(Value::as_i64) else {
        return Err(missing.to_string());
    };
    if n <= 0 {
        return Err(format!("'{key}' parameter must be > 0"));
    }
    u32::try_from(n).map_err(|_| format!("'{key}' parameter is out of range"))
}

/// Reads the command arguments (absent = all subnets).
pub fn parse_scope(args: Option<&Value>) -> Result<SubnetScope, String> {
    let a: &Map<String, Value> = match args {
        None => return Ok(SubnetScope::All),
        Some(Value::Object(m)) => m,
        Some(_) => return Err("'arguments' parameter is not a map".into()),
    };
    let one = match a.get("subnet-id") {
        None => None,
        Some(v) => Some(positive_id(
            Some(v),
            "subnet-id",
            "'subnet-id' parameter is not integer",
        )?),
    };
    let range = match a.get("subnet-range") {
        None => None,
        Some(Value::Object(r)) => {
            let first = positive_id(
                r.get("first-subnet-id"),
                "first-subnet-id",
                "'first-subnet-id' parameter missing or not an integer",
            )?;
            let last = positive_id(
                r.get("last-subnet-id"),
                "last-subnet-id",
                "'last-subnet-id' parameter missing or not an integer",
            )?;
            if last < first {
                return Err("'last-subnet-id' must be greater than 'first-subnet-id'".into());
            }
            if last == first {
                // Kea's query object refuses a one-subnet range with this text.
                return Err("LeaseStatsQuery: last_subnet_id_must be > first_subnet_id_".into());
            }
            Some((first, last))
        }
        Some(_) => return Err("subnet-range parameter is not a map".into()),
    };
    match (one, range) {
        (Some(_), Some(_)) => Err("cannot specify both subnet-id and subnet-range".into()),
        (Some(x), None) => Ok(SubnetScope::One(x)),
        (None, Some((a, b))) => Ok(SubnetScope::Range(a, b)),
        (None, None) => Ok(SubnetScope::All),
    }
}

/// The answer as (result, text, arguments) for `rows` found in `scope`; `cmd` is the
/// command name, `columns` the column labels, `stamp` the formatted time.
pub fn answer(
    cmd: &str,
    scope: SubnetScope,
    columns: &[&str],
    rows: Vec<Value>,
    stamp: String,
) -> (i64, String, Value) {
    let head = format!("{cmd}[{}]", scope.describe());
    if rows.is_empty() {
        let why = match scope {
            SubnetScope::One(x) => format!("subnet-id: {x} does not exist"),
            SubnetScope::Range(a, b) => {
                format!("selected ID range: {a} through {b} includes no known subnets")
            }
            SubnetScope::All => "selected ID range: 0 through 0 includes no known subnets".into(),
        };
        return (3, format!("{head}: no matching data, {why}"), json!({}));
    }
    let n = rows.len();
    (
        0,
        format!("{head}: {n} rows found"),
        json!({"result-set": {"columns": columns, "rows": rows, "timestamp": stamp}}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let p = |v: Value| parse_scope(Some(&v));
        assert_eq!(parse_scope(None), Ok(SubnetScope::All));
        assert_eq!(p(json!({"foo": 1})), Ok(SubnetScope::All));
        assert_eq!(p(json!({"subnet-id": 3})), Ok(SubnetScope::One(3)));
        assert_eq!(
            p(json!({"subnet-range": {"first-subnet-id": 1, "last-subnet-id": 5}})),
            Ok(SubnetScope::Range(1, 5))
        );
        assert_eq!(
            p(json!([])),
            Err("'arguments' parameter is not a map".into())
        );
        assert_eq!(
            p(json!({"subnet-id": "x"})),
            Err("'subnet-id' parameter is not integer".into())
        );
        assert_eq!(
            p(json!({"subnet-id": 0})),
            Err("'subnet-id' parameter must be > 0".into())
        );
        assert_eq!(
            p(json!({"subnet-range": 5})),
            Err("subnet-range parameter is not a map".into())
        );
        assert_eq!(
            p(json!({"subnet-range": {"first-subnet-id": 1}})),
            Err("'last-subnet-id' parameter missing or not an integer".into())
        );
        assert_eq!(
            p(json!({"subnet-range": {"first-subnet-id": 5, "last-subnet-id": 1}})),
            Err("'last-subnet-id' must be greater than 'first-subnet-id'".into())
        );
        assert_eq!(
            p(json!({"subnet-id": 1, "subnet-range": {"first-subnet-id": 1, "last-subnet-id": 5}})),
            Err("cannot specify both subnet-id and subnet-range".into())
        );
        assert!(SubnetScope::Range(2, 4).contains(3));
        assert!(!SubnetScope::One(2).contains(3));
    }

    #[test]
    fn texts() {
        let (r, t, a) = answer(
            "stat-lease4-get",
            SubnetScope::One(9),
            &["subnet-id"],
            vec![],
            "x".into(),
        );
        assert_eq!(r, 3);
        assert_eq!(
            t,
            "stat-lease4-get[subnet-id=9]: no matching data, subnet-id: 9 does not exist"
        );
        assert_eq!(a, json!({}));
        let (r, t, a) = answer(
            "stat-lease6-get",
            SubnetScope::All,
            &["subnet-id"],
            vec![json!([1])],
            "x".into(),
        );
        assert_eq!(
            (r, t.as_str()),
            (0, "stat-lease6-get[all subnets]: 1 rows found")
        );
        assert_eq!(a["result-set"]["rows"], json!([[1]]));
        let (_, t, _) = answer(
            "stat-lease4-get",
            SubnetScope::Range(3, 5),
            &[],
            vec![],
            "x".into(),
        );
        assert_eq!(
            t,
            "stat-lease4-get[subnets 3 through 5]: no matching data, selected ID range: 3 through 5 includes no known subnets"
        );
    }
}
