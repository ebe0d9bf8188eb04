//! The typed policy model: what a `.control/policy.yaml` means once it has been read.

use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;
use std::fmt;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

mod deserialize;

/// Extra keys kept verbatim so that a round trip through [`crate::to_yaml`] keeps them.
pub type Extra = BTreeMap<String, Value>;

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }
    };
}

id_newtype!(
    /// The id of a gate, such as `G1` or `G4b`.
    GateId
);
id_newtype!(
    /// The id of a setpoint, such as `S13`.
    SetpointId
);

/// A parsed `.control/policy.yaml`.
///
/// Every dialect of the original system loads into this one shape: the keys this crate
/// understands are typed fields, and the keys of other dialects (`profiles`, `permissions`,
/// `approval`, `trust_tiers`, `controller`, `rules`, ...) are kept verbatim in [`Policy::extra`].
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(
    title = "metalayer policy",
    description = "The governance policy `.control/policy.yaml`"
)]
pub struct Policy {
    /// The format version, `"1.0"`; a YAML number (`1`, `1.0`) is accepted and kept as text.
    #[serde(default = "default_version", deserialize_with = "loose_text")]
    #[schemars(schema_with = "loose_text_schema")]
    pub version: String,
    /// The governance profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// What a hook answers when it cannot decide.
    #[serde(default)]
    pub on_error: OnError,
    /// The gates, by decision.
    #[serde(default)]
    pub gates: Gates,
    /// The measurable targets.
    ///
    /// A map-style `setpoints:` (a non-standard variant) is kept in [`Policy::extra`] instead,
    /// with a warning, and carries no enforcement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "setpoints_schema")]
    pub setpoints: Vec<Setpoint>,
    /// Settings of the regression gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regression: Option<RegressionSettings>,
    /// Settings of the conversation bridge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<BridgeSettings>,
    /// How `metalayer compare` measures a candidate; always read from the base ref.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluate: Option<EvaluateSettings>,
    /// Settings of the secret checks of written content and of commits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<SecretsSettings>,
    /// Every other top-level key, kept verbatim (the keys of the other dialects).
    #[serde(flatten)]
    pub extra: Extra,
}

fn default_version() -> String {
    crate::check::DEFAULT_VERSION.to_owned()
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            version: default_version(),
            profile: None,
            on_error: OnError::default(),
            gates: Gates::default(),
            setpoints: Vec::new(),
            regression: None,
            bridge: None,
            evaluate: None,
            secrets: None,
            extra: Extra::new(),
        }
    }
}

/// The governance profile of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Documentation and checks only.
    Baseline,
    /// Gates enforced, changes reviewed.
    Governed,
    /// Gates enforced, promotion automatic.
    Autonomous,
}

/// What a hook answers when it cannot decide (invalid policy, malformed input, internal error).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Block the call (fail closed).
    #[default]
    Deny,
    /// Ask the user.
    Ask,
    /// Let the call through.
    Allow,
}

/// The gates of a policy, by list.
///
/// `hard` gates deny, `soft` gates ask when they have a pattern and are documentation only
/// without one. Other lists (`governed`, `baseline`, `autonomous` of the later dialects) are kept
/// in [`Gates::other`] as documentation-only gates; non-list entries (free-form gate maps such as
/// `gates: {budget: {...}}`) are kept verbatim in [`Gates::free_form`].
#[derive(Debug, Clone, Default, PartialEq, JsonSchema)]
#[schemars(schema_with = "gates_schema")]
pub struct Gates {
    /// Gates whose decision is deny.
    pub hard: Vec<Gate>,
    /// Gates whose decision is ask (when they have a pattern).
    pub soft: Vec<Gate>,
    /// Other gate lists, by name; documentation only.
    pub other: BTreeMap<String, Vec<Gate>>,
    /// Entries of `gates` that are not lists of gates, kept verbatim; no enforcement.
    pub free_form: BTreeMap<String, Value>,
}

impl Gates {
    /// Every gate with the name of its list (`hard`, `soft`, then the other lists).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Gate)> {
        self.hard
            .iter()
            .map(|g| ("hard", g))
            .chain(self.soft.iter().map(|g| ("soft", g)))
            .chain(
                self.other
                    .iter()
                    .flat_map(|(name, list)| list.iter().map(move |g| (name.as_str(), g))),
            )
    }

    /// The gate with this id, in any list.
    pub fn get(&self, id: &str) -> Option<&Gate> {
        self.iter().map(|(_, g)| g).find(|g| g.id.as_str() == id)
    }
}

impl Serialize for Gates {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        if !self.hard.is_empty() {
            map.serialize_entry("hard", &self.hard)?;
        }
        if !self.soft.is_empty() {
            map.serialize_entry("soft", &self.soft)?;
        }
        for (name, list) in &self.other {
            map.serialize_entry(name, list)?;
        }
        for (name, value) in &self.free_form {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Whether a value under `gates` is a list of gates (a list of maps that each have an `id`).
pub(crate) fn is_gate_list(value: &Value) -> bool {
    value.as_array().is_some_and(|items| {
        items.iter().all(|item| {
            item.as_object()
                .is_some_and(|m| m.get("id").is_some_and(Value::is_string))
        })
    })
}

/// One gate: a rule, and optionally a pattern that enforces it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Gate {
    /// The gate's id, such as `G1`.
    pub id: GateId,
    /// One line of text: what the gate forbids (the reason shown to the agent).
    #[serde(default)]
    pub rule: String,
    /// A Rust regex; searched anywhere in the input (like Python's `re.search`) by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The tool names the gate applies to (`Bash`, `Write`, `Edit`, ...); by default, the tools
    /// that have the gate's field (`Bash` for `command`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<String>>,
    /// Which part of the call the gate reads: `command` (default), `file_path`, `content`,
    /// `untracked_path` (what `git rm --cached` takes out of the index), or any other
    /// `tool_input` key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// How the pattern is matched against a command.
    #[serde(rename = "match", default, skip_serializing_if = "Option::is_none")]
    pub match_mode: Option<MatchMode>,
    /// An exception regex: the gate does not fire when this also matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless: Option<String>,
    /// The documentation-only keys of the dialects (`measurement`, `severity`, ...), `None`
    /// when the gate has none of them; [`Gate::docs`] reads them either way.
    #[serde(flatten)]
    pub docs: Option<Box<GateDocs>>,
    /// Any other key, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The documentation-only keys a gate may carry in the policy dialects: kept and written
/// back, never enforced.
///
/// Boxed in [`Gate::docs`]: most gates have none of them, and a policy may hold thousands of
/// gates, which the hook reads on every tool call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct GateDocs {
    /// A semantic predicate (kernel template dialect); documentation only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<String>,
    /// The severity (formal-schema dialect; `warn` and `soft` are aliases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// `{type: pattern|runtime_check|advisory, spec}` (formal-schema dialect), kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcement: Option<Value>,
    /// A condition in words (non-standard gate maps); documentation only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// An action in words (non-standard gate maps); documentation only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Whether bypasses are audited (formal-schema dialect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass_audit: Option<bool>,
    /// The profiles the gate belongs to (formal-schema dialect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profiles: Option<Vec<String>>,
    /// The version that introduced the gate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "loose_text_opt"
    )]
    #[schemars(schema_with = "loose_text_schema")]
    pub introduced_in: Option<String>,
    /// The version that deprecated the gate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "loose_text_opt"
    )]
    #[schemars(schema_with = "loose_text_schema")]
    pub deprecated_in: Option<String>,
    /// Calls the gate must stop and calls it must let through: checked by `metalayer
    /// validate` (and so by `audit` and CI), never by the hook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<GateExamples>,
    /// Where the gate came from, when `metalayer promote` derived it from a lesson: the
    /// lesson and the sessions it was seen in. Documentation only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<GateOrigin>,
}

/// Where a gate came from: the lesson `metalayer promote` derived it from and the captured
/// sessions the lesson was seen in.
///
/// ```yaml
/// origin:
///   lesson: use-pnpm-not-npm
///   sessions: [3f2a91c0, 77b1e2d4, c0ffee12]
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GateOrigin {
    /// The lesson's id, as `metalayer distill` names it.
    pub lesson: String,
    /// The ids of the sessions the lesson was seen in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<String>,
}

impl GateOrigin {
    /// The origin of a gate derived from the lesson `lesson`, seen in `sessions`.
    #[must_use]
    pub fn new(lesson: impl Into<String>, sessions: Vec<String>) -> Self {
        Self {
            lesson: lesson.into(),
            sessions,
        }
    }
}

/// A gate's examples: its tests.
///
/// Each example is either the value of the gate's field (a command for a `command` gate, a
/// path for a `file_path` gate, text for a `content` gate), sent with the gate's first tool,
/// or a whole call (`{tool: Bash, command: "echo x > .env"}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GateExamples {
    /// Calls the gate must stop (deny for a hard gate, ask for a soft one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub block: Vec<Example>,
    /// Calls the gate must let through.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Example>,
}

impl GateExamples {
    /// Examples with these calls to block and to allow.
    #[must_use]
    pub fn new(block: Vec<Example>, allow: Vec<Example>) -> Self {
        Self { block, allow }
    }

    /// Whether there are no examples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.block.is_empty() && self.allow.is_empty()
    }
}

/// One example call of a gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Example {
    /// The value of the gate's field.
    Value(String),
    /// A whole call: `tool` and the input keys.
    Call {
        /// The tool (`Bash`, `Write`, ...).
        tool: String,
        /// The call's input keys (`command`, `file_path`, `content`, ...), as text.
        #[serde(flatten)]
        input: BTreeMap<String, String>,
    },
}

impl Example {
    /// The example as one line of text, for reports.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Value(value) => value.clone(),
            Self::Call { tool, input } => {
                let fields: Vec<String> = input.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{tool} {{{}}}", fields.join(", "))
            }
        }
    }
}

/// What [`Gate::docs`] reads for a gate without documentation keys.
static NO_DOCS: GateDocs = GateDocs {
    measurement: None,
    severity: None,
    enforcement: None,
    condition: None,
    action: None,
    bypass_audit: None,
    profiles: None,
    introduced_in: None,
    deprecated_in: None,
    examples: None,
    origin: None,
};

impl Gate {
    /// A gate with an id, a rule and nothing else.
    pub fn new(id: impl Into<GateId>, rule: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            rule: rule.into(),
            pattern: None,
            tools: None,
            field: None,
            match_mode: None,
            unless: None,
            docs: None,
            extra: Extra::new(),
        }
    }

    /// Sets the pattern.
    #[must_use]
    pub fn with_pattern(mut self, pattern: impl Into<String>) -> Self {
        self.pattern = Some(pattern.into());
        self
    }

    /// The gate's documentation-only keys (all `None` when it has none).
    pub fn docs(&self) -> &GateDocs {
        self.docs.as_deref().unwrap_or(&NO_DOCS)
    }

    /// The gate's documentation-only keys, to change them.
    pub fn docs_mut(&mut self) -> &mut GateDocs {
        self.docs.get_or_insert_with(Box::default)
    }

    /// Whether the gate is enforced, that is, has a pattern.
    pub fn is_enforced(&self) -> bool {
        self.pattern.is_some()
    }

    /// The field the gate reads: [`Gate::field`] or `command`.
    pub fn field_or_default(&self) -> &str {
        self.field.as_deref().unwrap_or("command")
    }

    /// The matching mode: [`Gate::match_mode`] or [`MatchMode::Anywhere`].
    pub fn match_mode_or_default(&self) -> MatchMode {
        self.match_mode.unwrap_or_default()
    }
}

/// How a gate's pattern is matched against a Bash command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// Searched anywhere, like Python's `re.search`, in the raw command and in each normalised
    /// simple command.
    #[default]
    Anywhere,
    /// Anchored at the start of each executed simple command; data such as quoted text is ignored.
    Command,
}

/// The severity of a setpoint or gate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A violation fails the audit.
    Blocking,
    /// A violation is reported (YAML alias `warn`).
    #[default]
    #[serde(alias = "warn")]
    Informational,
    /// Advice only (YAML alias `soft`).
    #[serde(alias = "soft")]
    Advisory,
}

impl JsonSchema for Severity {
    fn schema_name() -> Cow<'static, str> {
        "Severity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "`blocking`, `informational` or `advisory`; `warn` means informational and `soft` means advisory",
            "type": "string",
            "enum": ["blocking", "informational", "advisory", "warn", "soft"]
        })
    }
}

/// One setpoint: a measurable target and its alert bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Setpoint {
    /// The setpoint's id, such as `S13`.
    pub id: SetpointId,
    /// Its name, in snake_case.
    pub name: String,
    /// The target value; `null` means "set per plant".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Alert when the measured value is below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_below: Option<f64>,
    /// Alert when the measured value is above this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_above: Option<f64>,
    /// How the value is measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<Measurement>,
    /// What a violation means.
    #[serde(default)]
    pub severity: Severity,
    /// The unit of the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Who owns the setpoint (`substrate`, `user`, `agent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Any other key (`introduced_in`, `deprecated_in`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The target of a setpoint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Target {
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
}

/// How a setpoint is measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Measurement {
    /// Free text, checked by hand or by the audit.
    Text(String),
    /// A measurement the tools can run.
    Structured {
        /// What kind of measurement.
        #[serde(rename = "type")]
        kind: MeasurementKind,
        /// The command, function, file or gauge.
        spec: String,
        /// How long it may take.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_seconds: Option<u64>,
    },
}

/// The kind of a structured measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementKind {
    /// A shell command that prints the value.
    Command,
    /// A named function.
    Function,
    /// Whether a file exists.
    FileCheck,
    /// An OpenTelemetry gauge.
    OtelGauge,
    /// A script that prints the value.
    Script,
    /// A measurement built into metalayer.
    Builtin,
}

/// Settings of the regression gate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RegressionSettings {
    /// The feature map, such as `.control/regression-map.yaml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<String>,
    /// How long a stamp holds, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp_ttl_seconds: Option<u64>,
}

/// Settings of the conversation bridge.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BridgeSettings {
    /// The output folder, such as `docs/conversations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Whether the bridge runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Extra redaction rules, applied with the built-in ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redact: Vec<RedactionRule>,
    /// How much of a session the bridge keeps: the whole session by default, with a tool's
    /// output shortened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<BridgeLimits>,
}

/// How much of a session the bridge keeps. Each limit left out keeps its default; `0` keeps
/// that part whole. Every shortening is said in the session file where it happens.
///
/// ```yaml
/// bridge:
///   limits:
///     text_chars: 0         # prompts, answers, thinking: whole (default)
///     output_chars: 1000    # a tool's output (default 1000)
///     diff_lines: 120       # an edit's diff (default 120)
///     thread_items: 0       # the thread: the whole session (default)
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BridgeLimits {
    /// Characters kept of a prompt, an answer or a thinking block (default 0: whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_chars: Option<u64>,
    /// Characters kept of a tool's output (default 1000; 0: whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_chars: Option<u64>,
    /// Lines shown of an edit's diff (default 120; 0: whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_lines: Option<u64>,
    /// The most recent thread items kept (default 0: the whole session).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_items: Option<u64>,
}

/// Settings of the secret checks: what a file tool or a shell command writes into a file, and
/// what a commit adds, are scanned with the bridge's secret rules (those meant for files).
///
/// ```yaml
/// secrets:
///   content: deny          # deny (default) | ask | off
///   commits: deny          # deny (default) | ask | off
///   allow:
///     paths: ["tests/fixtures/**"]
///     rules: [jwt]
///     fingerprints: ["sha256:9f86d081884c7d65"]
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SecretsSettings {
    /// What a secret in the content a tool call writes into a file gets (`Write`, `Edit`,
    /// `MultiEdit`, `NotebookEdit`, the other harnesses' file tools, `echo`/`printf`/heredocs
    /// into a file). Default deny.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<SecretAction>,
    /// What a `git commit` whose added lines hold a secret gets, in the PreToolUse hook and in
    /// git's pre-commit hook (which cannot ask: `ask` refuses there too). Default deny.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commits: Option<SecretAction>,
    /// Findings that are not secrets (test fixtures, documented fake values).
    #[serde(default, skip_serializing_if = "SecretsAllow::is_empty")]
    pub allow: SecretsAllow,
}

/// What a secret check answers when it finds a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SecretAction {
    /// Block the call or the commit.
    Deny,
    /// Ask the user (git's pre-commit hook cannot ask: it refuses).
    Ask,
    /// Do not check.
    Off,
}

impl SecretAction {
    /// The lower-case name, as written in the policy.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Ask => "ask",
            Self::Off => "off",
        }
    }
}

/// The allowlist of the secret checks: a finding is not reported when its file matches one of
/// `paths`, its rule is one of `rules`, or its value's fingerprint is one of `fingerprints`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SecretsAllow {
    /// Globs of files, relative to the repository root (`tests/fixtures/**`, `**/*.snap`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Rule ids (`jwt`, `password-assignment`); `metalayer scan` names the rule of a finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Fingerprints of known fake values (`sha256:` and the first 16 hex digits of the
    /// value's SHA-256), as `metalayer scan` prints them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<String>,
}

impl SecretsAllow {
    /// Whether it allows nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.rules.is_empty() && self.fingerprints.is_empty()
    }
}

/// How `metalayer compare` measures a candidate: shell commands run in the candidate's
/// worktree. Always read from the base ref, never from a candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvaluateSettings {
    /// The test command (exit status), or `{command, junit}` for test counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<EvaluateStep<TestSettings>>,
    /// The coverage command and its report: `{command, lcov: PATH}` or `{command, cobertura: PATH}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageSettings>,
    /// The lint or type-check command, or `{command, sarif}` to count findings in a SARIF file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lint: Option<EvaluateStep<LintSettings>>,
    /// The build command, or `{command, artifacts: [PATH...]}` to measure their size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<EvaluateStep<BuildSettings>>,
    /// Named measurements: a command (the last number it prints is the value), or
    /// `{command, unit}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub measure: BTreeMap<String, EvaluateStep<MeasureSettings>>,
    /// The limit of each command in seconds (default 900).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u64>,
}

/// A step of `evaluate:`: a command alone, or a map with the command and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EvaluateStep<T> {
    /// The command alone.
    Command(String),
    /// The command and its settings.
    Detailed(T),
}

impl<T: From<String> + Clone> EvaluateStep<T> {
    /// The step as its detailed form (a bare command has default settings).
    pub fn detailed(&self) -> T {
        match self {
            Self::Command(c) => T::from(c.clone()),
            Self::Detailed(t) => t.clone(),
        }
    }
}

/// The test step of `evaluate:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TestSettings {
    /// The shell command.
    pub command: String,
    /// A JUnit XML report it writes, relative to the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub junit: Option<String>,
}

/// The coverage step of `evaluate:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CoverageSettings {
    /// The shell command.
    pub command: String,
    /// An LCOV report it writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lcov: Option<String>,
    /// A Cobertura XML report it writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cobertura: Option<String>,
}

/// The lint step of `evaluate:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LintSettings {
    /// The shell command.
    pub command: String,
    /// A SARIF file it writes; its results are the findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sarif: Option<String>,
}

/// The build step of `evaluate:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BuildSettings {
    /// The shell command.
    pub command: String,
    /// Files or folders whose size (raw and gzip) is measured after the build.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<String>,
}

/// A named measurement of `evaluate.measure`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MeasureSettings {
    /// The shell command; the last number it prints is the value.
    pub command: String,
    /// The unit of the value (`s`, `ms`, `KB`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

macro_rules! from_command {
    ($($t:ident { $($f:ident),* }),*) => {$(
        impl From<String> for $t {
            fn from(command: String) -> Self {
                Self { command, $($f: Default::default()),* }
            }
        }
    )*};
}
from_command!(
    TestSettings { junit },
    LintSettings { sarif },
    BuildSettings { artifacts },
    MeasureSettings { unit }
);

/// One redaction rule of the bridge, in gitleaks' rule shape (`name` is gitleaks' `id`,
/// `pattern` its `regex`). It runs beside the built-in rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RedactionRule {
    /// The rule's name, shown in place of the secret.
    pub name: String,
    /// A Rust regex matching the secret (or holding it in a capture group).
    pub pattern: String,
    /// Literals one of which a text must contain for the rule to run (case-insensitive);
    /// without keywords the rule runs on every text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The capture group holding the secret; by default the first group that took part in
    /// the match, else the whole match.
    #[serde(
        default,
        alias = "secretGroup",
        skip_serializing_if = "Option::is_none"
    )]
    pub secret_group: Option<u32>,
    /// The least Shannon entropy, in bits per character, that a secret must have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy: Option<f64>,
}

impl RedactionRule {
    /// A rule with a name and a pattern, no keywords, the default secret group and no
    /// entropy threshold.
    #[must_use]
    pub fn new(name: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            pattern: pattern.into(),
            keywords: Vec::new(),
            secret_group: None,
            entropy: None,
        }
    }
}

struct LooseText;

impl de::Visitor<'_> for LooseText {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        // `{:?}` keeps the `.0` of `1.0`, as the YAML file wrote it.
        Ok(format!("{v:?}"))
    }
}

fn loose_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(LooseText)
}

fn loose_text_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .deserialize_any(LooseText)
            .map(Some)
            .map_err(de::Error::custom),
    }
}

fn loose_text_schema(_: &mut SchemaGenerator) -> schemars::Schema {
    json_schema!({
        "description": "text; a number is accepted and kept as text",
        "type": ["string", "number"]
    })
}

fn setpoints_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
    let item = generator.subschema_for::<Setpoint>();
    json_schema!({
        "description": "a list of setpoints; a map of setpoints by name (non-standard) is kept verbatim and carries no enforcement",
        "anyOf": [
            {"type": "array", "items": item},
            {"type": "object"},
            {"type": "null"}
        ]
    })
}

fn gates_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
    let gate = generator.subschema_for::<Gate>();
    json_schema!({
        "description": "gate lists by decision: `hard` (deny), `soft` (ask with a pattern, documentation without); other lists are documentation only; other entries are kept verbatim",
        "type": ["object", "null"],
        "properties": {
            "hard": {"type": ["array", "null"], "items": gate.clone()},
            "soft": {"type": ["array", "null"], "items": gate}
        },
        "additionalProperties": true
    })
}
