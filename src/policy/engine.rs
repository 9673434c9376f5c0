//! The engine: loads Rego modules and data once, evaluates inputs many times.

use std::fmt::Write as _;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::builtin;
use super::data::{deep_merge, load_data_file};
use super::limits::{self, Deadline};
use super::scan::{self, RuleKind};

/// The default limit on one evaluation's wall-clock time.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

/// The package of the generated module that gathers every package's results in one pass.
const AGGREGATE_PACKAGE: &str = "__sigil_eval__";

/// Work units between two reads of the clock while evaluating: cheap enough not to show in
/// an evaluation of a few microseconds, frequent enough that a runaway policy stops at once.
const TIMER_CHECK_INTERVAL: u32 = 64;

/// Why policies could not be loaded. Evaluation never fails: see [`Decision`].
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    /// A module that does not parse; `message` names the file, line and column.
    #[error("policy {file} does not parse: {message}")]
    Syntax { file: String, message: String },
    /// Modules that parse but cannot be prepared for evaluation together (an unknown
    /// function, a conflicting definition, ...).
    #[error("policies cannot be compiled: {message}")]
    Compile { message: String },
    #[error("data {path}: {message}")]
    Data { path: String, message: String },
    /// A data file that does not parse, or whose rule settings are wrong, and where.
    #[error("data {path}{}: {message}", crate::util::located::position(*line, *column))]
    DataAt {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// One Rego module to load: a label (its path, or `<builtin>/…`) and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    pub label: String,
    pub source: String,
}

/// The Rego modules and data documents to load, in order.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub files: Vec<PolicyFile>,
    /// Data documents found with the policies (the built-in defaults, `data.json` /
    /// `data.yaml` files in policy directories), merged in order under any extra data.
    pub data: Vec<Json>,
}

impl PolicySet {
    pub fn new() -> PolicySet {
        PolicySet::default()
    }

    /// The built-in library, from the copy embedded in the binary.
    pub fn builtin() -> PolicySet {
        let mut set = PolicySet::new();
        set.add_builtin();
        set
    }

    /// Adds the embedded built-in library: its modules and its default data.
    pub fn add_builtin(&mut self) {
        for f in builtin::FILES {
            if f.path.ends_with(".rego") {
                self.add_source(builtin::label(f.path), f.contents);
            }
        }
        self.data.push(builtin::default_data());
    }

    /// Loads policies from files and directories: `PolicySet::new()` plus
    /// [`PolicySet::add_path`] for each.
    pub fn from_paths(paths: &[PathBuf]) -> Result<PolicySet, PolicyError> {
        let mut set = PolicySet::new();
        for p in paths {
            set.add_path(p)?;
        }
        Ok(set)
    }

    /// A file is loaded as Rego whatever its name; a directory contributes every `.rego`
    /// file below it (sorted, recursive, hidden entries skipped) and its `data.json`,
    /// `data.yaml` or `data.yml` files as data.
    pub fn add_path(&mut self, path: &Path) -> Result<(), PolicyError> {
        let io = |e: std::io::Error| PolicyError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            let mut rego = Vec::new();
            let mut data = Vec::new();
            walk(path, &mut rego, &mut data).map_err(io)?;
            rego.sort();
            data.sort();
            for f in rego {
                self.add_file(&f)?;
            }
            for d in data {
                self.data.push(load_data_file(&d)?);
            }
            Ok(())
        } else {
            self.add_file(path)
        }
    }

    fn add_file(&mut self, path: &Path) -> Result<(), PolicyError> {
        let source = crate::util::fs::read_text(path).map_err(|e| PolicyError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        self.add_source(path.display().to_string(), source);
        Ok(())
    }

    /// Adds one module from memory.
    pub fn add_source(&mut self, label: impl Into<String>, source: impl Into<String>) {
        self.files.push(PolicyFile {
            label: label.into(),
            source: source.into(),
        });
    }
}

fn walk(dir: &Path, rego: &mut Vec<PathBuf>, data: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() || (path.is_dir()) {
            walk(&path, rego, data)?;
        } else if name.ends_with(".rego") {
            rego.push(path);
        } else if matches!(name.as_ref(), "data.json" | "data.yaml" | "data.yml") {
            data.push(path);
        }
    }
    Ok(())
}

/// How evaluations run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineOptions {
    /// Wall-clock limit of one evaluation (and of one test rule).
    pub timeout: Duration,
    /// Builtin errors (a bad regular expression, a type error in a builtin) are errors,
    /// hence denials, instead of silently undefined as OPA has them by default.
    pub strict_builtin_errors: bool,
    /// Evaluate on regorus's compiled virtual machine (RVM) when the policies compile for it
    /// (several times faster); the tree-walking interpreter otherwise, and to tell which rule
    /// failed when an evaluation errs.
    pub compiled: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            timeout: DEFAULT_TIMEOUT,
            strict_builtin_errors: true,
            compiled: true,
        }
    }
}

/// Whether a result denies or warns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Deny,
    Warn,
}

/// One result of a `deny`/`violation`/`warn` rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The result's `code` (sigil's rules: `SIGIL-IMG-001`, …), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub severity: Severity,
    pub msg: String,
    /// The package, without `data.` (`sigil.image.pinning`, `main`).
    pub package: String,
    /// The rule that produced it (`deny`, `warn`, `violation`, `deny_foo`).
    pub rule: String,
    /// An object result as the policy produced it (other fields such as `name`,
    /// `details`, `metadata`); null for a string result.
    #[serde(skip_serializing_if = "Json::is_null", default)]
    pub details: Json,
}

/// The outcome of one evaluation. `allowed` is false when any result denies or when
/// evaluation failed (`errors`): a broken policy never passes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub allowed: bool,
    pub results: Vec<RuleResult>,
    pub errors: Vec<String>,
}

impl Decision {
    /// A decision that denies because of an error.
    pub fn from_error(error: impl Into<String>) -> Decision {
        Decision {
            allowed: false,
            results: Vec::new(),
            errors: vec![error.into()],
        }
    }

    pub fn denials(&self) -> impl Iterator<Item = &RuleResult> {
        self.results.iter().filter(|r| r.severity == Severity::Deny)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &RuleResult> {
        self.results.iter().filter(|r| r.severity == Severity::Warn)
    }

    fn finish(results: Vec<RuleResult>, errors: Vec<String>) -> Decision {
        let allowed = errors.is_empty() && !results.iter().any(|r| r.severity == Severity::Deny);
        Decision {
            allowed,
            results,
            errors,
        }
    }
}

/// A `deny`/`warn`/`violation` rule of a package.
#[derive(Debug, Clone)]
pub(crate) struct EvalRule {
    pub package: String,
    pub rule: String,
    /// `data.pkg.rule`, bracketed where a component is not an identifier.
    pub path: String,
    pub severity: Severity,
    /// From the embedded library (evaluated on the compiled VM when it can be).
    pub builtin: bool,
}

/// A `test_*` (or skipped `todo_test_*`) rule.
#[derive(Debug, Clone)]
pub(crate) struct TestRule {
    pub package: String,
    pub rule: String,
    pub path: String,
    pub file: String,
    pub skipped: bool,
}

/// Loaded, prepared policies. Evaluation borrows a warmed copy of the prepared engine from a
/// pool (one per concurrent caller, made by cloning the first), so it takes `&self` and is
/// safe to share between threads.
pub struct PolicyEngine {
    base: Mutex<regorus::Engine>,
    pool: Mutex<Vec<regorus::Engine>>,
    /// The compiled program, when the policies compile for the RVM, and idle VMs loaded
    /// with it.
    program: Option<std::sync::Arc<regorus::rvm::program::Program>>,
    /// With the built-in library alone on the VM: the enabled rules' finding sets by input
    /// kind, evaluated directly (see [`FastPlan`]).
    fast: Option<FastPlan>,
    vms: Mutex<Vec<regorus::rvm::RegoVM>>,
    pub(crate) rules: Vec<EvalRule>,
    /// `rules[..split]` are the built-in library's.
    split: usize,
    files: Vec<String>,
    options: EngineOptions,
    set: PolicySet,
    data: regorus::Value,
    /// `data.sigil.config.rules` as loaded (null when absent), read once.
    rules_config: Json,
    tests: OnceLock<Result<(regorus::Engine, Vec<TestRule>), String>>,
}

impl std::fmt::Debug for PolicyEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyEngine")
            .field("files", &self.files)
            .field("rules", &self.rules.len())
            .field("options", &self.options)
            .finish()
    }
}

impl PolicyEngine {
    /// Loads every `.rego` file in `sources` (files, or directories walked recursively in
    /// sorted order; pass the built-in `policies/` directory to include the library from
    /// disk) with `data` merged over the data documents found there, and prepares them with
    /// the default options.
    pub fn load(sources: &[PathBuf], data: Json) -> Result<PolicyEngine, PolicyError> {
        PolicyEngine::new(
            PolicySet::from_paths(sources)?,
            data,
            EngineOptions::default(),
        )
    }

    /// Prepares a set of modules: parses each (Rego v1, or v0 for a module that only parses
    /// as v0, as `opa --v0-compatible` would), adds the data (the set's documents, then
    /// `data` deep-merged over them), finds every package's `deny`/`warn`/`violation` rules,
    /// and compiles once. Test files (`*_test.rego`) are left out of evaluation (each module
    /// loaded slows every data lookup a little); [`PolicyEngine::run_tests`] loads them.
    pub fn new(
        set: PolicySet,
        data: Json,
        options: EngineOptions,
    ) -> Result<PolicyEngine, PolicyError> {
        let sources: Vec<(&str, &str)> = set
            .files
            .iter()
            .map(|f| (f.label.as_str(), f.source.as_str()))
            .collect();
        super::recursion::check(&sources).map_err(|message| PolicyError::Compile { message })?;

        let mut merged = Json::Object(Default::default());
        for d in &set.data {
            deep_merge(&mut merged, d.clone());
        }
        if !data.is_null() {
            if !data.is_object() {
                return Err(PolicyError::Data {
                    path: "(data)".into(),
                    message: "the data document must be an object".into(),
                });
            }
            deep_merge(&mut merged, data);
        }
        let data = regorus::Value::deserialize(&merged).map_err(|e| PolicyError::Data {
            path: "(data)".into(),
            message: e.to_string(),
        })?;

        let eval_files: Vec<&PolicyFile> = set
            .files
            .iter()
            .filter(|f| !is_test_file(&f.label))
            .collect();
        let (mut engine, loaded) = build(&eval_files, &data, &options)?;
        let mut rules: Vec<EvalRule> = Vec::new();
        for (file, package, prefix) in &loaded {
            for (name, kind) in scan::candidates(&file.source) {
                let severity = match kind {
                    RuleKind::Deny => Severity::Deny,
                    RuleKind::Warn => Severity::Warn,
                    RuleKind::Test | RuleKind::SkippedTest => continue,
                };
                let path = format!("{prefix}.{name}");
                if rules.iter().any(|r| r.path == path)
                    || !engine
                        .has_declared_rule_rooted_at(&file.label, &name)
                        .unwrap_or(false)
                {
                    continue;
                }
                rules.push(EvalRule {
                    package: package.clone(),
                    rule: name,
                    path,
                    severity,
                    builtin: is_builtin(file),
                });
            }
        }

        // The built-in library's rules first: they may run on the compiled VM (`builtin`), the
        // others on the interpreter (`user`), whose semantics are the reference (the VM, for
        // one, does not report conflicting values of a complete rule). `results` has all.
        rules.sort_by_key(|r| !r.builtin);
        let split = rules.iter().take_while(|r| r.builtin).count();
        let mut aggregate = format!("package {AGGREGATE_PACKAGE}\n\nready := true\n");
        for (i, r) in rules.iter().enumerate() {
            let _ = write!(aggregate, "\ndefault r{i} := null\n\nr{i} := {}\n", r.path);
        }
        let names: Vec<String> = (0..rules.len()).map(|i| format!("r{i}")).collect();
        let _ = writeln!(aggregate, "\nresults := [{}]", names.join(", "));
        let _ = writeln!(aggregate, "\nbuiltin := [{}]", names[..split].join(", "));
        let _ = writeln!(aggregate, "\nuser := [{}]", names[split..].join(", "));
        // Only when no other module adds to the library's package.
        let library_only = !loaded.iter().any(|(f, package, _)| {
            !is_builtin(f) && (package == "sigil" || package.starts_with("sigil."))
        });
        let fast = (options.compiled && library_only)
            .then(|| FastPlan::new(&rules[..split], &merged))
            .flatten();
        if let Some(plan) = &fast {
            for (entry, list) in [
                ("fast_image", &plan.image),
                ("fast_dockerfile", &plan.dockerfile),
            ] {
                let sets: Vec<String> = list
                    .iter()
                    .map(|r| format!("data.sigil.{}", r.set))
                    .collect();
                let _ = writeln!(aggregate, "\n{entry} := [{}]", sets.join(", "));
            }
        }
        engine
            .add_policy(format!("<{AGGREGATE_PACKAGE}>"), aggregate)
            .map_err(|e| PolicyError::Compile { message: text(&e) })?;
        prepare(&mut engine)?;
        let program = if options.compiled && library_only && split > 0 {
            compile_program(&engine, fast.is_some())
        } else {
            None
        };
        let fast = fast.filter(|_| program.is_some());

        Ok(PolicyEngine {
            base: Mutex::new(engine),
            pool: Mutex::new(Vec::new()),
            program,
            fast,
            vms: Mutex::new(Vec::new()),
            rules,
            split,
            files: loaded.iter().map(|(f, _, _)| f.label.clone()).collect(),
            options,
            set,
            data,
            rules_config: merged
                .pointer("/sigil/config/rules")
                .cloned()
                .unwrap_or(Json::Null),
            tests: OnceLock::new(),
        })
    }

    /// The engine with every module, test files included, and its test rules: made on first
    /// use.
    pub(crate) fn test_engine(&self) -> Result<&(regorus::Engine, Vec<TestRule>), PolicyError> {
        let built = self.tests.get_or_init(|| {
            let files: Vec<&PolicyFile> = self.set.files.iter().collect();
            let (mut engine, loaded) =
                build(&files, &self.data, &self.options).map_err(|e| e.to_string())?;
            let mut tests: Vec<TestRule> = Vec::new();
            for (file, package, prefix) in &loaded {
                for (name, kind) in scan::candidates(&file.source) {
                    if !matches!(kind, RuleKind::Test | RuleKind::SkippedTest) {
                        continue;
                    }
                    let path = format!("{prefix}.{name}");
                    if tests.iter().any(|t| t.path == path)
                        || !engine
                            .has_declared_rule_rooted_at(&file.label, &name)
                            .unwrap_or(false)
                    {
                        continue;
                    }
                    tests.push(TestRule {
                        package: package.clone(),
                        rule: name,
                        path,
                        file: file.label.clone(),
                        skipped: kind == RuleKind::SkippedTest,
                    });
                }
            }
            engine
                .add_policy(
                    format!("<{AGGREGATE_PACKAGE}>"),
                    format!("package {AGGREGATE_PACKAGE}\n\nready := true\n"),
                )
                .map_err(|e| text(&e))?;
            prepare(&mut engine).map_err(|e| e.to_string())?;
            Ok((engine, tests))
        });
        built.as_ref().map_err(|message| PolicyError::Compile {
            message: message.clone(),
        })
    }

    /// The labels of the loaded modules, in load order.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The evaluated rules as `package.rule`.
    pub fn rule_names(&self) -> Vec<String> {
        self.rules
            .iter()
            .map(|r| format!("{}.{}", r.package, r.rule))
            .collect()
    }

    /// True when rules other than the built-in library's `deny`/`warn` are loaded (user
    /// policies, or modules added to package `sigil`): what they read cannot be known.
    pub fn has_other_rules(&self) -> bool {
        self.fast.is_none() || self.split < self.rules.len()
    }

    /// The rule configuration in effect (`data.sigil.config.rules`), null when absent.
    pub fn rules_config(&self) -> &Json {
        &self.rules_config
    }

    pub fn options(&self) -> EngineOptions {
        self.options
    }

    /// A prepared engine of one's own: from the pool, else a clone of the prepared one.
    pub(crate) fn checkout(&self) -> regorus::Engine {
        if let Some(e) = self.pool.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return e;
        }
        self.fresh()
    }

    /// A clone of the prepared engine, with no input.
    pub(crate) fn fresh(&self) -> regorus::Engine {
        self.base.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn checkin(&self, engine: regorus::Engine) {
        let mut pool = self.pool.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < 64 {
            pool.push(engine);
        }
    }

    /// Evaluates one input against every loaded package. Never fails: an input that cannot
    /// be converted, a runtime error or the time limit makes a denying decision that carries
    /// the error.
    pub fn evaluate(&self, input: &Json) -> Decision {
        match super::value::to_regorus(input) {
            Ok(v) => self.evaluate_value(v),
            Err(e) => Decision::from_error(format!("the input cannot be used: {e}")),
        }
    }

    /// [`PolicyEngine::evaluate`] for an input already converted to a regorus value (a
    /// caller evaluating the same input repeatedly converts it once).
    pub fn evaluate_value(&self, input: regorus::Value) -> Decision {
        let deadline = Deadline::start(self.options.timeout);
        let mut decision = self.evaluate_within(input);
        // A builtin runs to its end before regorus looks at the clock again, and a rule that
        // then fails takes no further step: a late result is refused here.
        if deadline.passed() && decision.errors.is_empty() {
            decision.errors.push(deadline.error());
            decision.allowed = false;
        }
        decision
    }

    /// [`PolicyEngine::evaluate_value`] under the deadline it has set.
    fn evaluate_within(&self, input: regorus::Value) -> Decision {
        if let Some(plan) = &self.fast
            && let Some((entry, rules)) = plan.for_input(&input)
            && let Some(mut vm) = self.vm()
        {
            vm.set_input(input.clone());
            match vm.execute_entry_point_by_name(&fast_entry(entry)) {
                Ok(regorus::Value::Array(sets)) if sets.len() == rules.len() => {
                    if let Some([deny, warn]) = plan.finish(rules, &sets) {
                        self.return_vm(vm);
                        let mut results = Vec::new();
                        for (i, rule) in self.rules[..self.split].iter().enumerate() {
                            if i == plan.deny {
                                collect(rule, &deny, &mut results);
                            } else if i == plan.warn {
                                collect(rule, &warn, &mut results);
                            }
                        }
                        return self.with_user_rules(input, results);
                    }
                }
                Err(e @ regorus::rvm::vm::VmError::TimeLimitExceeded { .. }) => {
                    return Decision::from_error(format!(
                        "policy evaluation stopped at the time limit ({:?}): {e}",
                        self.options.timeout
                    ));
                }
                // Anything else: the interpreter evaluates again and tells what failed.
                _ => return self.interpret(input, "results", &self.rules),
            }
        }
        if let Some(mut vm) = self.vm() {
            vm.set_input(input.clone());
            let builtin = &self.rules[..self.split];
            match vm.execute() {
                Ok(regorus::Value::Array(values)) if values.len() == builtin.len() => {
                    let mut results = Vec::new();
                    for (rule, v) in builtin.iter().zip(values.iter()) {
                        collect(rule, v, &mut results);
                    }
                    self.return_vm(vm);
                    return self.with_user_rules(input, results);
                }
                Err(e @ regorus::rvm::vm::VmError::TimeLimitExceeded { .. }) => {
                    return Decision::from_error(format!(
                        "policy evaluation stopped at the time limit ({:?}): {e}",
                        self.options.timeout
                    ));
                }
                // Any other failure: the interpreter evaluates everything again and tells
                // which rule failed (a VM in an unknown state is dropped).
                _ => {}
            }
        }
        self.interpret(input, "results", &self.rules)
    }

    /// Whether the built-in library's enabled rules are evaluated directly (see
    /// [`FastPlan`]).
    pub fn is_direct(&self) -> bool {
        self.fast.is_some()
    }

    /// Whether evaluations run on the compiled VM (see [`EngineOptions::compiled`]).
    pub fn is_compiled(&self) -> bool {
        self.program.is_some()
    }

    /// The decision from the built-in library's results and, when other packages are
    /// loaded, their rules evaluated on the interpreter.
    fn with_user_rules(&self, input: regorus::Value, mut results: Vec<RuleResult>) -> Decision {
        if self.split == self.rules.len() {
            return Decision::finish(results, Vec::new());
        }
        let user = self.interpret(input, "user", &self.rules[self.split..]);
        results.extend(user.results);
        Decision::finish(results, user.errors)
    }

    /// Puts a VM that finished cleanly back in the pool.
    fn return_vm(&self, vm: regorus::rvm::RegoVM) {
        let mut vms = self.vms.lock().unwrap_or_else(|p| p.into_inner());
        if vms.len() < 64 {
            vms.push(vm);
        }
    }

    /// An idle VM loaded with the program, or a new one.
    fn vm(&self) -> Option<regorus::rvm::RegoVM> {
        let program = self.program.as_ref()?;
        if let Some(vm) = self.vms.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Some(vm);
        }
        let mut vm = regorus::rvm::RegoVM::new();
        vm.load_program(program.clone());
        vm.set_data(self.data.clone()).ok()?;
        vm.set_strict_builtin_errors(self.options.strict_builtin_errors);
        vm.set_execution_timer_config(Some(timer_config(&self.options)));
        Some(vm)
    }

    /// Evaluates on the interpreter.
    /// Evaluates `rules` on the interpreter, through the aggregate rule `entry` that lists
    /// their values.
    fn interpret(&self, input: regorus::Value, entry: &str, rules: &[EvalRule]) -> Decision {
        let mut engine = self.checkout();
        engine.set_input(input);
        let outcome = engine.eval_rule(format!("data.{AGGREGATE_PACKAGE}.{entry}"));
        let _ = engine.take_prints();
        match outcome {
            Ok(regorus::Value::Array(values)) if values.len() == rules.len() => {
                let mut results = Vec::new();
                for (rule, v) in rules.iter().zip(values.iter()) {
                    collect(rule, v, &mut results);
                }
                self.checkin(engine);
                Decision::finish(results, Vec::new())
            }
            Ok(other) => Decision::from_error(format!(
                "internal error: the results have an unexpected shape: {other}"
            )),
            Err(e) if is_time_limit(&e) => Decision::from_error(format!(
                "policy evaluation stopped at the time limit ({:?}): {}",
                self.options.timeout,
                text(&e)
            )),
            // Evaluate rule by rule to tell which one failed and keep the others' results.
            Err(first) => {
                let mut results = Vec::new();
                let mut errors = Vec::new();
                for rule in rules {
                    if limits::past_deadline() {
                        errors.push(format!(
                            "policy evaluation stopped at the time limit ({:?})",
                            self.options.timeout
                        ));
                        break;
                    }
                    match engine.eval_rule(rule.path.clone()) {
                        Ok(v) => collect(rule, &v, &mut results),
                        Err(e) => {
                            let timed_out = is_time_limit(&e);
                            errors.push(format!("{}.{}: {}", rule.package, rule.rule, text(&e)));
                            if timed_out {
                                break;
                            }
                        }
                    }
                }
                let _ = engine.take_prints();
                if errors.is_empty() {
                    errors.push(text(&first));
                }
                Decision::finish(results, errors)
            }
        }
    }
}

/// A module of the built-in library: embedded, or the same text loaded from disk.
fn is_builtin(file: &PolicyFile) -> bool {
    file.label.starts_with(builtin::LABEL_PREFIX)
        || builtin::FILES.iter().any(|b| b.contents == file.source)
}

/// Test files, by OPA's convention: left out of evaluation.
fn is_test_file(label: &str) -> bool {
    label.ends_with("_test.rego")
}

type Loaded<'a> = Vec<(&'a PolicyFile, String, String)>;

/// A regorus engine with these modules (duplicates skipped) and the data; for each module
/// loaded, its package (`a.b`) and rule prefix (`data.a.b`).
fn build<'a>(
    files: &[&'a PolicyFile],
    data: &regorus::Value,
    options: &EngineOptions,
) -> Result<(regorus::Engine, Loaded<'a>), PolicyError> {
    let mut engine = regorus::Engine::new();
    engine.set_execution_timer_config(timer_config(options));
    limits::install(&mut engine, options.strict_builtin_errors)
        .map_err(|e| PolicyError::Compile { message: text(&e) })?;
    engine.set_strict_builtin_errors(options.strict_builtin_errors);
    engine.set_gather_prints(true);
    let mut loaded: Vec<&PolicyFile> = Vec::new();
    for file in files {
        if let Some(same) = loaded.iter().find(|f| f.label == file.label) {
            if same.source == file.source {
                continue; // the same file named twice
            }
            return Err(PolicyError::Syntax {
                file: file.label.clone(),
                message: "two different modules have this name".into(),
            });
        }
        add_module(&mut engine, file)?;
        loaded.push(file);
    }
    engine
        .add_data(data.clone())
        .map_err(|e| PolicyError::Data {
            path: "(data)".into(),
            message: text(&e),
        })?;
    let packages = engine
        .get_policy_package_components()
        .map_err(|e| PolicyError::Compile { message: text(&e) })?;
    let with_packages = loaded
        .into_iter()
        .zip(packages)
        .map(|(f, p)| (f, p.components.join("."), rule_prefix(&p.components)))
        .collect();
    Ok((engine, with_packages))
}

fn timer_config(options: &EngineOptions) -> regorus::utils::limits::ExecutionTimerConfig {
    regorus::utils::limits::ExecutionTimerConfig {
        limit: options.timeout,
        check_interval: NonZeroU32::new(TIMER_CHECK_INTERVAL).expect("non-zero"),
    }
}

/// Compiles the prepared policies, with the results rule as entry point, for the RVM; None
/// when they use something the RVM compiler does not support.
fn compile_program(
    engine: &regorus::Engine,
    fast: bool,
) -> Option<std::sync::Arc<regorus::rvm::program::Program>> {
    let entry: regorus::Rc<str> = format!("data.{AGGREGATE_PACKAGE}.builtin").into();
    let mut entries = vec![entry.to_string()];
    if fast {
        entries.push(fast_entry("fast_image"));
        entries.push(fast_entry("fast_dockerfile"));
    }
    let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
    let compiled = engine.clone().compile_with_entrypoint(&entry).ok()?;
    regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &entries).ok()
}

fn fast_entry(name: &str) -> String {
    format!("data.{AGGREGATE_PACKAGE}.{name}")
}

/// The built-in library's rules as the VM evaluates them when nothing else is in package
/// `sigil`: instead of `deny` and `warn`, which walk every rule's `findings` definition
/// (most of them disabled, half of them for another kind of input), only the finding sets
/// of the rules enabled in the data are evaluated — those of the input's kind — and each
/// finding gets its `code` and `name` and lands in `deny` or `warn` by its rule's mode (or
/// its own `"level": "warn"`), exactly as `policies/lib/sigil.rego` does (a unit test checks the two agree).
#[derive(Debug, Clone)]
struct FastPlan {
    image: Vec<FastRule>,
    dockerfile: Vec<FastRule>,
    /// Indices of the library's `deny` and `warn` rules.
    deny: usize,
    warn: usize,
}

#[derive(Debug, Clone)]
struct FastRule {
    code: &'static str,
    name: &'static str,
    set: &'static str,
    warn: bool,
}

impl FastPlan {
    /// The plan, when the library's rules are exactly `sigil.deny` and `sigil.warn`.
    fn new(builtin: &[EvalRule], data: &Json) -> Option<FastPlan> {
        if builtin.len() != 2 {
            return None;
        }
        let find = |name: &str| {
            builtin
                .iter()
                .position(|r| r.package == "sigil" && r.rule == name)
        };
        let (deny, warn) = (find("deny")?, find("warn")?);
        let config = data.pointer("/sigil/config/rules");
        let mut plan = FastPlan {
            image: Vec::new(),
            dockerfile: Vec::new(),
            deny,
            warn,
        };
        for info in super::catalog::RULES {
            let rule = config.and_then(|c| c.get(info.name));
            if rule.and_then(|r| r.get("enabled")) != Some(&Json::Bool(true)) {
                continue;
            }
            let fast = FastRule {
                code: info.code,
                name: info.name,
                set: info.set,
                warn: rule.and_then(|r| r.get("mode")) == Some(&Json::String("warn".into())),
            };
            use super::catalog::Stage;
            match info.stage {
                Stage::Any => {
                    plan.image.push(fast.clone());
                    plan.dockerfile.push(fast);
                }
                Stage::Image => plan.image.push(fast),
                Stage::Dockerfile => plan.dockerfile.push(fast),
            }
        }
        Some(plan)
    }

    /// The entry point and rules for an input, by its kind; None for other kinds (the
    /// general path then decides, with its input-validity rule).
    fn for_input(&self, input: &regorus::Value) -> Option<(&'static str, &[FastRule])> {
        let kind = input["kind"].as_string().ok()?;
        match kind.as_ref() {
            "image" | "admission" => Some(("fast_image", &self.image)),
            "dockerfile" => Some(("fast_dockerfile", &self.dockerfile)),
            _ => None,
        }
    }

    /// The `deny` and `warn` values from the finding sets.
    fn finish(
        &self,
        rules: &[FastRule],
        sets: &regorus::value::Array,
    ) -> Option<[regorus::Value; 2]> {
        let mut deny = std::collections::BTreeSet::new();
        let mut warn = std::collections::BTreeSet::new();
        for (rule, set) in rules.iter().zip(sets.iter()) {
            let items: Vec<&regorus::Value> = match set {
                regorus::Value::Set(s) => s.iter().collect(),
                regorus::Value::Undefined => Vec::new(),
                _ => return None,
            };
            for item in items {
                let regorus::Value::Object(o) = item else {
                    return None;
                };
                let mut o: std::collections::BTreeMap<regorus::Value, regorus::Value> =
                    o.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                o.insert("code".into(), rule.code.into());
                o.insert("name".into(), rule.name.into());
                // A finding that says `"level": "warn"` warns whatever its rule's mode.
                let level_warn =
                    o.get(&regorus::Value::from("level")) == Some(&regorus::Value::from("warn"));
                let target = if rule.warn || level_warn {
                    &mut warn
                } else {
                    &mut deny
                };
                target.insert(regorus::Value::from(o));
            }
        }
        Some([regorus::Value::from(deny), regorus::Value::from(warn)])
    }
}

/// Prepares (analyses and schedules every module) once, now, so that policies that cannot
/// be compiled fail to load instead of failing every evaluation.
fn prepare(engine: &mut regorus::Engine) -> Result<(), PolicyError> {
    engine
        .eval_rule(format!("data.{AGGREGATE_PACKAGE}.ready"))
        .map_err(|e| PolicyError::Compile { message: text(&e) })?;
    let _ = engine.take_prints();
    Ok(())
}

fn add_module(engine: &mut regorus::Engine, file: &PolicyFile) -> Result<(), PolicyError> {
    match engine.add_policy(file.label.clone(), file.source.clone()) {
        Ok(_) => Ok(()),
        Err(v1_error) => {
            engine.set_rego_v0(true);
            let v0 = engine.add_policy(file.label.clone(), file.source.clone());
            engine.set_rego_v0(false);
            match v0 {
                Ok(_) => Ok(()),
                Err(_) => Err(PolicyError::Syntax {
                    file: file.label.clone(),
                    message: text(&v1_error),
                }),
            }
        }
    }
}

/// An error's text with its causes, without the blank line regorus puts first.
pub(crate) fn text(e: &anyhow::Error) -> String {
    format!("{e:#}").trim().to_string()
}

fn is_time_limit(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<regorus::LimitError>(),
            Some(regorus::LimitError::TimeLimitExceeded { .. })
        )
    }) || e.to_string().to_lowercase().contains("time limit")
}

/// `data.a.b`, with `["…"]` for components that are not identifiers.
fn rule_prefix(components: &[String]) -> String {
    let mut s = String::from("data");
    for c in components {
        let ident = c
            .chars()
            .next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if ident {
            s.push('.');
            s.push_str(c);
        } else {
            s.push('[');
            s.push_str(&Json::String(c.clone()).to_string());
            s.push(']');
        }
    }
    s
}

/// Adds the results of one rule's value, read as conftest does: a set or array of strings or
/// objects (`msg`, `code`), a string, an object, or `true`.
fn collect(rule: &EvalRule, v: &regorus::Value, out: &mut Vec<RuleResult>) {
    match v {
        regorus::Value::Undefined | regorus::Value::Null | regorus::Value::Bool(false) => {}
        regorus::Value::Bool(true) => out.push(RuleResult {
            code: None,
            severity: rule.severity,
            msg: format!("{}.{}", rule.package, rule.rule),
            package: rule.package.clone(),
            rule: rule.rule.clone(),
            details: Json::Null,
        }),
        regorus::Value::Set(s) => {
            for item in s.iter() {
                out.push(item_result(rule, item));
            }
        }
        regorus::Value::Array(a) => {
            for item in a.iter() {
                out.push(item_result(rule, item));
            }
        }
        other => out.push(item_result(rule, other)),
    }
}

fn item_result(rule: &EvalRule, item: &regorus::Value) -> RuleResult {
    let json = serde_json::to_value(item).unwrap_or(Json::Null);
    let (msg, code, details) = match json {
        Json::String(s) => (s, None, Json::Null),
        Json::Object(ref o) => {
            let msg = match o.get("msg") {
                Some(Json::String(s)) => s.clone(),
                _ => json.to_string(),
            };
            let code = match o.get("code") {
                Some(Json::String(s)) => Some(s.clone()),
                _ => None,
            };
            (msg, code, json)
        }
        other => (other.to_string(), None, Json::Null),
    };
    RuleResult {
        code,
        severity: rule.severity,
        msg,
        package: rule.package.clone(),
        rule: rule.rule.clone(),
        details,
    }
}

/// Parses a duration: `1s`, `250ms`, `2m`, or seconds (`1.5`).
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else {
        (s, 1.0)
    };
    let n: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 1s, 250ms, 1.5)"))?;
    if !n.is_finite() || n <= 0.0 || n * scale > 3600.0 {
        return Err(format!("{s:?} must be more than 0 and at most an hour"));
    }
    Ok(Duration::from_secs_f64(n * scale))
}

#[cfg(test)]
mod tests;
