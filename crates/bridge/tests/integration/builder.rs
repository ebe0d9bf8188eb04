//! A builder of realistic Claude Code transcript lines (JSONL).

use serde_json::{Value, json};

/// Emits transcript lines for one session, with a clock advancing 30 s per record.
pub(crate) struct Transcript {
    session: String,
    cwd: String,
    branch: String,
    clock: i64,
    parent: Option<String>,
    counter: u64,
    lines: Vec<String>,
}

/// `2026-08-24T18:20:00Z` plus `seconds`, formatted like Claude Code (milliseconds, `Z`).
fn timestamp(seconds: i64) -> String {
    let t = metalayer_bridge::Timestamp::from_unix_seconds(1_787_595_600 + seconds);
    t.to_string().replace('Z', ".481Z")
}

impl Transcript {
    pub(crate) fn new(session: &str) -> Self {
        Self {
            session: session.to_owned(),
            cwd: "/home/u/proj".to_owned(),
            branch: "main".to_owned(),
            clock: 0,
            parent: None,
            counter: 0,
            lines: Vec::new(),
        }
    }

    /// Continues a transcript at a later time (for appended lines).
    pub(crate) fn continuing(session: &str, clock: i64) -> Self {
        let mut t = Self::new(session);
        t.clock = clock;
        t
    }

    pub(crate) fn branch(mut self, branch: &str) -> Self {
        self.branch = branch.to_owned();
        self
    }

    fn envelope(&mut self, kind: &str) -> serde_json::Map<String, Value> {
        self.counter += 1;
        let uuid = format!("{}-{:04}", self.session, self.counter);
        let mut map = serde_json::Map::new();
        map.insert(
            "parentUuid".into(),
            self.parent.clone().map_or(Value::Null, Value::String),
        );
        map.insert("isSidechain".into(), json!(false));
        map.insert("userType".into(), json!("external"));
        map.insert("cwd".into(), json!(self.cwd));
        map.insert("sessionId".into(), json!(self.session));
        map.insert("version".into(), json!("2.1.240"));
        map.insert("gitBranch".into(), json!(self.branch));
        map.insert("type".into(), json!(kind));
        map.insert("uuid".into(), json!(uuid));
        map.insert("timestamp".into(), json!(timestamp(self.clock)));
        self.clock += 30;
        self.parent = Some(uuid);
        map
    }

    fn push(&mut self, value: serde_json::Map<String, Value>) -> &mut Self {
        self.lines.push(Value::Object(value).to_string());
        self
    }

    /// A typed prompt, content as a plain string.
    pub(crate) fn user(&mut self, text: &str) -> &mut Self {
        let mut m = self.envelope("user");
        m.insert("message".into(), json!({"role": "user", "content": text}));
        self.push(m)
    }

    /// A prompt whose content is an array of blocks (text and an image).
    pub(crate) fn user_blocks(&mut self, text: &str) -> &mut Self {
        let mut m = self.envelope("user");
        m.insert(
            "message".into(),
            json!({"role": "user", "content": [
                {"type": "text", "text": text},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}
            ]}),
        );
        self.push(m)
    }

    /// Harness noise in a user record (a slash command).
    pub(crate) fn user_noise(&mut self) -> &mut Self {
        let mut m = self.envelope("user");
        m.insert(
            "message".into(),
            json!({"role": "user", "content": "<command-name>/clear</command-name>\n<command-args></command-args>"}),
        );
        self.push(m)
    }

    fn assistant(&mut self, msg_id: &str, block: Value, usage: Value) -> &mut Self {
        let mut m = self.envelope("assistant");
        m.insert("requestId".into(), json!(format!("req_{msg_id}")));
        m.insert(
            "message".into(),
            json!({"id": msg_id, "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                   "content": [block], "stop_reason": null, "stop_sequence": null, "usage": usage}),
        );
        self.push(m)
    }

    fn usage() -> Value {
        json!({"input_tokens": 4, "cache_creation_input_tokens": 1200, "cache_read_input_tokens": 300,
               "output_tokens": 57, "service_tier": "standard"})
    }

    /// A thinking block (skipped by the model), as its own line.
    pub(crate) fn assistant_thinking(&mut self, msg_id: &str) -> &mut Self {
        self.assistant(
            msg_id,
            json!({"type": "thinking", "thinking": "Let me think.", "signature": "sig"}),
            Self::usage(),
        )
    }

    /// An assistant text block, as its own line (same `msg_id` = same message).
    pub(crate) fn assistant_text(&mut self, msg_id: &str, text: &str) -> &mut Self {
        self.assistant(msg_id, json!({"type": "text", "text": text}), Self::usage())
    }

    /// A `tool_use` block, as its own line.
    pub(crate) fn tool_use(
        &mut self,
        msg_id: &str,
        id: &str,
        name: &str,
        input: Value,
    ) -> &mut Self {
        self.assistant(
            msg_id,
            json!({"type": "tool_use", "id": id, "name": name, "input": input}),
            Self::usage(),
        )
    }

    /// A `tool_result` in a user record, with the structured `toolUseResult` copy.
    pub(crate) fn tool_result(&mut self, id: &str, content: &str, is_error: bool) -> &mut Self {
        let mut m = self.envelope("user");
        m.insert(
            "message".into(),
            json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": id, "content": content, "is_error": is_error}]}),
        );
        m.insert(
            "toolUseResult".into(),
            json!({"stdout": content, "stderr": "", "interrupted": false, "isImage": false}),
        );
        self.push(m)
    }

    /// A `tool_result` as Claude Code writes it for a call a PreToolUse hook denied: an error
    /// holding the hook's reason, with the text repeated as `toolUseResult`.
    pub(crate) fn hook_denial(&mut self, id: &str, reason: &str) -> &mut Self {
        let mut m = self.envelope("user");
        m.insert(
            "message".into(),
            json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": id, "content": reason, "is_error": true}]}),
        );
        m.insert("toolUseResult".into(), json!(format!("Error: {reason}")));
        self.push(m)
    }

    /// A session whose file tools wrote, failed, were denied by a hook and read: only
    /// `src/written.rs` and `src/edited.rs` were written (with `src/edited.rs` also failing
    /// once).
    pub(crate) fn writes_and_denials(session: &str) -> Self {
        let mut t = Self::new(session);
        let p = |f: &str| format!("/home/u/proj/{f}");
        t.user("Add the parser and the secrets")
            .tool_use("msg_01", "toolu_01", "Write", json!({"file_path": p("src/written.rs"), "content": "fn a() {}"}))
            .tool_result("toolu_01", "File created successfully at: /home/u/proj/src/written.rs", false)
            .tool_use("msg_02", "toolu_02", "Write", json!({"file_path": p(".env"), "content": "KEY=1"}))
            .hook_denial("toolu_02", "Safety shield G4: no secrets files (matched file_path `/home/u/proj/.env`)")
            .tool_use("msg_03", "toolu_03", "Edit", json!({"file_path": p(".control/policy.yaml"), "old_string": "a", "new_string": "b"}))
            .hook_denial("toolu_03", "PreToolUse:Edit hook error: [metalayer hook pre-tool-use]: metalayer could not check this call and blocks it")
            .tool_use("msg_04", "toolu_04", "Edit", json!({"file_path": p("src/edited.rs"), "old_string": "x", "new_string": "y"}))
            .tool_result("toolu_04", "<tool_use_error>String to replace not found in file.</tool_use_error>", true)
            .tool_use("msg_05", "toolu_05", "Edit", json!({"file_path": p("src/edited.rs"), "old_string": "fn", "new_string": "pub fn"}))
            .tool_result("toolu_05", "The file /home/u/proj/src/edited.rs has been updated.", false)
            .tool_use("msg_06", "toolu_06", "MultiEdit", json!({"file_path": p("src/failed.rs"), "edits": []}))
            .tool_result("toolu_06", "File does not exist.", true)
            .tool_use("msg_07", "toolu_07", "Read", json!({"file_path": p("src/read.rs")}))
            .tool_result("toolu_07", "fn read() {}", false)
            .tool_use("msg_08", "toolu_08", "Write", json!({"file_path": p("src/rejected.rs"), "content": "x"}))
            .tool_result("toolu_08", "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file).", true)
            .assistant_text("msg_09", "Wrote the parser; the secrets file was blocked.");
        t
    }

    pub(crate) fn system(&mut self, subtype: &str) -> &mut Self {
        let mut m = self.envelope("system");
        m.insert("subtype".into(), json!(subtype));
        m.insert("content".into(), json!("Stop hook ran"));
        m.insert("level".into(), json!("info"));
        self.push(m)
    }

    pub(crate) fn summary(&mut self, text: &str) -> &mut Self {
        self.lines
            .push(json!({"type": "summary", "summary": text, "leafUuid": "leaf"}).to_string());
        self
    }

    /// A record type the bridge does not know.
    pub(crate) fn file_history_snapshot(&mut self) -> &mut Self {
        self.lines.push(
            json!({"type": "file-history-snapshot", "messageId": "m", "snapshot": {"messageId": "m", "trackedFileBackups": {}, "timestamp": timestamp(self.clock)}, "isSnapshotUpdate": false})
                .to_string(),
        );
        self
    }

    pub(crate) fn garbage(&mut self) -> &mut Self {
        self.lines.push("{this is not json".to_owned());
        self
    }

    /// The complete lines, each with its newline.
    pub(crate) fn text(&self) -> String {
        self.lines.iter().map(|l| format!("{l}\n")).collect()
    }

    pub(crate) fn clock(&self) -> i64 {
        self.clock
    }

    /// A realistic session: prompts (string and blocks), split assistant messages, tool calls
    /// with ok and error results, a commit, a pull request, noise and unknown records.
    pub(crate) fn realistic(session: &str) -> Self {
        let mut t = Self::new(session);
        t.file_history_snapshot()
            .user("Fix the failing test in `parser.rs` | and commit")
            .assistant_thinking("msg_01")
            .assistant_text("msg_01", "I'll run the tests first.")
            .tool_use("msg_01", "toolu_01", "Bash", json!({"command": "cargo test -p parser", "description": "Run tests"}))
            .tool_result("toolu_01", "test result: FAILED. 1 passed; 1 failed\n```\npanicked at src/parser.rs:10\n```", true)
            .tool_use("msg_02", "toolu_02", "Read", json!({"file_path": "/home/u/proj/src/parser.rs"}))
            .tool_result("toolu_02", "fn parse() {}", false)
            .tool_use("msg_03", "toolu_03", "Edit", json!({"file_path": "/home/u/proj/src/parser.rs", "old_string": "a", "new_string": "b"}))
            .tool_result("toolu_03", "The file has been updated.", false)
            .system("stop_hook_summary")
            .user_noise()
            .user_blocks("Now <b>commit</b> it, and open a PR")
            .tool_use("msg_04", "toolu_04", "Bash", json!({"command": "git add -A && git commit -m 'Fix parser off-by-one'"}))
            .tool_result("toolu_04", "[main 1a2b3c4] Fix parser off-by-one\n 1 file changed, 1 insertion(+), 1 deletion(-)", false)
            .tool_use("msg_05", "toolu_05", "Bash", json!({"command": "gh pr create --fill"}))
            .tool_result("toolu_05", "https://github.com/acme/proj/pull/42\n", false)
            .assistant_text("msg_06", "Committed `1a2b3c4` and opened PR #42.")
            .garbage()
            .summary("Fix parser test");
        t
    }
}
