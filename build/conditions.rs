//! Compiles the conditions of the built-in files (`when`, and a scorecard's `automated` and
//! `manual`) with minijinja's own compiler, and writes Rust code that rebuilds each one's
//! instructions (`src/precompiled.rs` reads it). Parsing them was a third of a `kickoff
//! check`. A condition this cannot write (a constant of a kind it does not know) is left
//! out: the program compiles it on start, as it does any other.

use minijinja::machinery::{CodeGenerator, Instruction, parse_expr};
use minijinja::value::{Kwargs, Value, ValueKind};

/// The keys whose values are conditions, in any table of the built-in files.
const CONDITION_KEYS: &[&str] = &["when", "automated", "manual"];

/// Every condition in `value`, at any depth.
pub fn collect(value: &toml::Value, into: &mut Vec<String>) {
    match value {
        toml::Value::Table(table) => {
            for (key, value) in table {
                match value {
                    toml::Value::String(s) if CONDITION_KEYS.contains(&key.as_str()) => {
                        into.push(s.clone())
                    }
                    _ => collect(value, into),
                }
            }
        }
        toml::Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
        _ => {}
    }
}

/// Rust source of a table `CONDITIONS: &[(&str, Emit)]`, sorted by source, each `Emit`
/// pushing the instructions minijinja compiles the source to.
pub fn generate(mut sources: Vec<String>) -> String {
    sources.sort();
    sources.dedup();
    let mut fns = String::new();
    let mut table = String::from("pub static CONDITIONS: &[(&str, Emit)] = &[\n");
    for source in &sources {
        let Some(body) = instructions(source) else {
            continue;
        };
        let n = table.lines().count() - 1;
        fns.push_str(&format!(
            "fn c{n}(o: &mut Vec<I<'static>>) {{\n    o.extend([\n{body}    ]);\n}}\n"
        ));
        table.push_str(&format!("    ({source:?}, c{n}),\n"));
    }
    table.push_str("];\n");
    format!("{fns}\n{table}")
}

/// One line per instruction, or `None` if one of them cannot be written.
fn instructions(source: &str) -> Option<String> {
    let ast = parse_expr(source).ok()?;
    let mut generator = CodeGenerator::new("<expression>", source);
    generator.compile_expr(&ast);
    let (compiled, _) = generator.finish();
    let mut body = String::new();
    let mut i = 0;
    while let Some(instruction) = compiled.get(i) {
        body.push_str(&format!("        {},\n", instruction_code(instruction)?));
        i += 1;
    }
    Some(body)
}

fn instruction_code(instruction: &Instruction) -> Option<String> {
    use Instruction as I;
    Some(match instruction {
        I::Lookup(name) => format!("I::Lookup({name:?})"),
        I::GetAttr(name) => format!("I::GetAttr({name:?})"),
        I::LoadConst(value) => format!("I::LoadConst({})", value_code(value)?),
        I::BuildMap(n) => format!("I::BuildMap({n})"),
        I::BuildKwargs(n) => format!("I::BuildKwargs({n})"),
        I::MergeKwargs(n) => format!("I::MergeKwargs({n})"),
        I::BuildList(n) => format!("I::BuildList({n:?})"),
        I::BuildTuple(n) => format!("I::BuildTuple({n:?})"),
        I::ApplyFilter(name, n, local) => format!("I::ApplyFilter({name:?}, {n:?}, {local})"),
        I::PerformTest(name, n, local) => format!("I::PerformTest({name:?}, {n:?}, {local})"),
        I::CallFunction(name, n) => format!("I::CallFunction({name:?}, {n:?})"),
        I::CallMethod(name, n) => format!("I::CallMethod({name:?}, {n:?})"),
        I::CallObject(n) => format!("I::CallObject({n:?})"),
        I::Jump(to) => format!("I::Jump({to})"),
        I::JumpIfFalse(to) => format!("I::JumpIfFalse({to})"),
        I::JumpIfFalseOrPop(to) => format!("I::JumpIfFalseOrPop({to})"),
        I::JumpIfTrueOrPop(to) => format!("I::JumpIfTrueOrPop({to})"),
        I::GetItem
        | I::Slice
        | I::Add
        | I::Sub
        | I::Mul
        | I::Div
        | I::IntDiv
        | I::Rem
        | I::Pow
        | I::Neg
        | I::Eq
        | I::Ne
        | I::Gt
        | I::Gte
        | I::Lt
        | I::Lte
        | I::Not
        | I::StringConcat
        | I::In
        | I::DupTop
        | I::DiscardTop
        | I::Swap => format!("I::{instruction:?}"),
        // Chained comparisons (`CompareAndPreserve`, whose operator type minijinja does not
        // export) and what only templates have.
        _ => return None,
    })
}

/// Rust code that makes a value equal to `value`: a constant of a condition or template is
/// none, undefined (a macro's argument with no default), a boolean, a number, a string, a list or map of them, or a call's keyword arguments.
pub fn value_code(value: &Value) -> Option<String> {
    Some(match value.kind() {
        ValueKind::None => "Value::from(())".to_string(),
        ValueKind::Undefined => "Value::UNDEFINED".to_string(),
        ValueKind::Bool => format!("Value::from({})", value.is_true()),
        ValueKind::Number if value.is_integer() => {
            format!("Value::from({}i64)", i64::try_from(value.clone()).ok()?)
        }
        ValueKind::Number => format!("Value::from({:?}f64)", f64::try_from(value.clone()).ok()?),
        ValueKind::String => format!("Value::from({:?})", value.as_str()?),
        // A constant map, `{'a': 1}`, as minijinja makes it (without `preserve_order`).
        ValueKind::Map if !value.is_kwargs() => {
            let mut pairs = Vec::new();
            for key in value.try_iter().ok()? {
                let item = value.get_item(&key).ok()?;
                pairs.push(format!("({}, {})", value_code(&key)?, value_code(&item)?));
            }
            format!(
                "Value::from(std::collections::BTreeMap::<Value, Value>::from([{}]))",
                pairs.join(", ")
            )
        }
        // A call's constant keyword arguments, `map(attribute='score')`.
        ValueKind::Map => {
            let kwargs = Kwargs::try_from(value.clone()).ok()?;
            let mut pairs = Vec::new();
            for key in kwargs.args() {
                let value: Value = kwargs.get(key).ok()?;
                pairs.push(format!("({key:?}, {})", value_code(&value)?));
            }
            format!("Value::from(Kwargs::from_iter([{}]))", pairs.join(", "))
        }
        ValueKind::Seq => {
            let items: Option<Vec<String>> =
                value.try_iter().ok()?.map(|v| value_code(&v)).collect();
            format!("Value::from(vec![{}] as Vec<Value>)", items?.join(", "))
        }
        _ => return None,
    })
}
