//! The four model APIs the harnesses speak, as far as a scripted model needs them: which
//! requests are the agent's main loop, how a scripted step is written back, and where the
//! results of earlier tool calls are in a request.
//!
//! The step to answer with is the number of tool results the request carries: every scripted
//! step is one tool call, and a harness sends the whole conversation with every request. So
//! the server keeps no state, and retries or side calls cannot shift the script.

use serde_json::{Value, json};

use crate::{Call, Input, Script};

/// A model API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Anthropic Messages (`POST /v1/messages`), spoken by Claude Code.
    Anthropic,
    /// OpenAI Responses (`POST /v1/responses`), spoken by Codex CLI.
    Responses,
    /// Gemini `streamGenerateContent` / `generateContent`, spoken by Gemini CLI.
    Gemini,
    /// OpenAI Chat Completions (`POST /v1/chat/completions`), spoken by Copilot CLI.
    ChatCompletions,
}

/// What the server sends back.
#[derive(Debug, Clone)]
pub enum Reply {
    /// One JSON body.
    Json(Value),
    /// A server-sent event stream, whole.
    Events(String),
    /// An error status with a message.
    Error(u16, String),
}

/// The result of one tool call as the harness reported it to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolResult {
    /// The call's id as the script gave it (`call_N`), when the API carries one.
    pub id: Option<String>,
    /// Everything the harness said about the call, as text.
    pub text: String,
    /// Whether the harness marked it as an error.
    pub is_error: bool,
}

/// What tells the ids of one model reply apart: step `index` (`usize::MAX` for the closing
/// text) of a conversation's script (0 the main one, n its n-th subagent).
fn reply_tag(conversation: usize, index: usize) -> String {
    let step = if index == usize::MAX {
        "end".to_owned()
    } else {
        index.to_string()
    };
    if conversation == 0 {
        format!("e2e_{step}")
    } else {
        format!("e2e_agent{conversation}_{step}")
    }
}

fn sse(events: &[(Option<&str>, Value)]) -> String {
    let mut out = String::new();
    for (name, data) in events {
        if let Some(name) = name {
            out.push_str("event: ");
            out.push_str(name);
            out.push('\n');
        }
        out.push_str("data: ");
        out.push_str(&data.to_string());
        out.push_str("\n\n");
    }
    out
}

fn text_of(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .map(|part| match part.get("text").and_then(Value::as_str) {
                Some(text) => text.to_owned(),
                None => part.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

impl Api {
    /// Whether a request is the agent's main loop (it offers the agent's tools).
    #[must_use]
    pub fn is_main(self, path: &str, body: &Value) -> bool {
        let tools = array(body, "tools");
        match self {
            Self::Anthropic => tools
                .iter()
                .any(|t| t.get("name").and_then(Value::as_str) == Some("Bash")),
            Self::Gemini => path.contains("streamGenerateContent") && !tools.is_empty(),
            Self::Responses | Self::ChatCompletions => !tools.is_empty(),
        }
    }

    /// The results of tool calls the request carries, in conversation order.
    #[must_use]
    pub fn tool_results(self, body: &Value) -> Vec<ToolResult> {
        let mut results = Vec::new();
        match self {
            Self::Anthropic => {
                for message in array(body, "messages") {
                    for block in array(message, "content") {
                        if block.get("type").and_then(Value::as_str) == Some("tool_result") {
                            results.push(ToolResult {
                                id: block
                                    .get("tool_use_id")
                                    .and_then(Value::as_str)
                                    .map(str::to_owned),
                                text: text_of(block.get("content").unwrap_or(&Value::Null)),
                                is_error: block.get("is_error").and_then(Value::as_bool)
                                    == Some(true),
                            });
                        }
                    }
                }
            }
            Self::Responses => {
                for item in array(body, "input") {
                    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
                    if kind == "function_call_output" || kind == "custom_tool_call_output" {
                        results.push(ToolResult {
                            id: item
                                .get("call_id")
                                .and_then(Value::as_str)
                                .map(str::to_owned),
                            text: text_of(item.get("output").unwrap_or(&Value::Null)),
                            is_error: false,
                        });
                    }
                }
            }
            Self::Gemini => {
                for content in array(body, "contents") {
                    for part in array(content, "parts") {
                        if let Some(response) = part.get("functionResponse") {
                            let inner = response.get("response").unwrap_or(&Value::Null);
                            results.push(ToolResult {
                                id: response
                                    .get("id")
                                    .and_then(Value::as_str)
                                    .map(str::to_owned),
                                text: inner.to_string(),
                                is_error: inner.get("error").is_some(),
                            });
                        }
                    }
                }
            }
            Self::ChatCompletions => {
                for message in array(body, "messages") {
                    if message.get("role").and_then(Value::as_str) == Some("tool") {
                        results.push(ToolResult {
                            id: message
                                .get("tool_call_id")
                                .and_then(Value::as_str)
                                .map(str::to_owned),
                            text: text_of(message.get("content").unwrap_or(&Value::Null)),
                            is_error: false,
                        });
                    }
                }
            }
        }
        results
    }

    /// The text of the first user message of the conversation a request carries (what
    /// tells a subagent's conversation from the main one).
    #[must_use]
    pub fn first_prompt(self, body: &Value) -> String {
        let first = match self {
            Self::Anthropic | Self::ChatCompletions => array(body, "messages")
                .iter()
                .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
                .and_then(|m| m.get("content")),
            Self::Responses => array(body, "input")
                .iter()
                .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
                .and_then(|m| m.get("content")),
            Self::Gemini => array(body, "contents")
                .iter()
                .find(|c| c.get("role").and_then(Value::as_str) == Some("user"))
                .and_then(|c| c.get("parts")),
        };
        first.map(text_of).unwrap_or_default()
    }

    /// The answer to a main-loop request of `conversation`: its script's next step, or
    /// its closing text.
    #[must_use]
    pub fn reply(self, body: &Value, conversation: usize, script: &Script) -> Reply {
        let index = self.tool_results(body).len();
        match script.calls.get(index) {
            Some(call) => self.tool_call(conversation, index, call),
            None => self.text(&reply_tag(conversation, usize::MAX), &script.closing),
        }
    }

    /// The answer to a side call: a JSON object that fits the requested schema, or short text.
    #[must_use]
    pub fn side_reply(self, path: &str, body: &Value) -> Reply {
        match self {
            Self::Anthropic if path.contains("count_tokens") => {
                Reply::Json(json!({"input_tokens": 100}))
            }
            Self::Anthropic if !path.contains("/messages") => Reply::Json(json!({})),
            Self::Anthropic => {
                if body.get("stream").and_then(Value::as_bool) == Some(true) {
                    self.text("e2e_side", "ok")
                } else {
                    Reply::Json(json!({
                        "id": "msg_e2e_side", "type": "message", "role": "assistant",
                        "model": "claude-e2e", "content": [{"type": "text", "text": "ok"}],
                        "stop_reason": "end_turn", "stop_sequence": null,
                        "usage": {"input_tokens": 10, "output_tokens": 1}
                    }))
                }
            }
            Self::Gemini => {
                let config = body.get("generationConfig").unwrap_or(&Value::Null);
                let text = match config
                    .get("responseJsonSchema")
                    .or_else(|| config.get("responseSchema"))
                {
                    Some(schema) => fill(schema).to_string(),
                    None => "ok".to_owned(),
                };
                if path.contains("countTokens") {
                    return Reply::Json(json!({"totalTokens": 100}));
                }
                let chunk = gemini_chunk(json!([{"text": text}]));
                if path.contains("streamGenerateContent") {
                    Reply::Events(sse(&[(None, chunk)]))
                } else {
                    Reply::Json(chunk)
                }
            }
            Self::Responses | Self::ChatCompletions => self.text("e2e_side", "ok"),
        }
    }

    fn tool_call(self, conversation: usize, index: usize, call: &Call) -> Reply {
        let tag = reply_tag(conversation, index);
        let id = format!("call_{tag}");
        let arguments = match &call.input {
            Input::Json(value) => value.clone(),
            Input::Freeform(text) => Value::String(text.clone()),
        };
        match self {
            Self::Anthropic => {
                let input = arguments.to_string();
                Reply::Events(sse(&[
                    (Some("message_start"), anthropic_start(&tag)),
                    (
                        Some("content_block_start"),
                        json!({"type": "content_block_start", "index": 0, "content_block":
                            {"type": "tool_use", "id": id, "name": call.name, "input": {}}}),
                    ),
                    (
                        Some("content_block_delta"),
                        json!({"type": "content_block_delta", "index": 0, "delta":
                            {"type": "input_json_delta", "partial_json": input}}),
                    ),
                    (
                        Some("content_block_stop"),
                        json!({"type": "content_block_stop", "index": 0}),
                    ),
                    (
                        Some("message_delta"),
                        json!({"type": "message_delta", "delta":
                            {"stop_reason": "tool_use", "stop_sequence": null},
                            "usage": {"output_tokens": 20}}),
                    ),
                    (Some("message_stop"), json!({"type": "message_stop"})),
                ]))
            }
            Self::Responses => {
                let item = match &call.input {
                    Input::Json(value) => {
                        json!({"type": "function_call", "id": format!("fc_{tag}"),
                        "call_id": id, "name": call.name, "arguments": value.to_string(),
                        "status": "completed"})
                    }
                    Input::Freeform(text) => json!({"type": "custom_tool_call",
                        "id": format!("ctc_{tag}"), "call_id": id, "name": call.name,
                        "input": text, "status": "completed"}),
                };
                responses_events(&tag, item)
            }
            Self::Gemini => Reply::Events(sse(&[(
                None,
                gemini_chunk(json!([{"functionCall": {"name": call.name, "args": arguments}}])),
            )])),
            Self::ChatCompletions => {
                let arguments = match &call.input {
                    Input::Json(value) => value.to_string(),
                    Input::Freeform(text) => text.clone(),
                };
                Reply::Events(chat_events(
                    &tag,
                    json!({"role": "assistant", "content": null, "tool_calls": [{"index": 0,
                        "id": id, "type": "function",
                        "function": {"name": call.name, "arguments": arguments}}]}),
                    "tool_calls",
                ))
            }
        }
    }

    fn text(self, tag: &str, text: &str) -> Reply {
        match self {
            Self::Anthropic => Reply::Events(sse(&[
                (Some("message_start"), anthropic_start(tag)),
                (
                    Some("content_block_start"),
                    json!({"type": "content_block_start", "index": 0,
                        "content_block": {"type": "text", "text": ""}}),
                ),
                (
                    Some("content_block_delta"),
                    json!({"type": "content_block_delta", "index": 0,
                        "delta": {"type": "text_delta", "text": text}}),
                ),
                (
                    Some("content_block_stop"),
                    json!({"type": "content_block_stop", "index": 0}),
                ),
                (
                    Some("message_delta"),
                    json!({"type": "message_delta", "delta":
                        {"stop_reason": "end_turn", "stop_sequence": null},
                        "usage": {"output_tokens": 5}}),
                ),
                (Some("message_stop"), json!({"type": "message_stop"})),
            ])),
            Self::Responses => responses_events(
                tag,
                json!({"type": "message", "role": "assistant", "id": format!("msg_{tag}"),
                    "status": "completed",
                    "content": [{"type": "output_text", "text": text, "annotations": []}]}),
            ),
            Self::Gemini => Reply::Events(sse(&[(None, gemini_chunk(json!([{"text": text}])))])),
            Self::ChatCompletions => Reply::Events(chat_events(
                tag,
                json!({"role": "assistant", "content": text}),
                "stop",
            )),
        }
    }
}

fn anthropic_start(tag: &str) -> Value {
    json!({"type": "message_start", "message": {"id": format!("msg_{tag}"),
        "type": "message", "role": "assistant", "model": "claude-e2e", "content": [],
        "stop_reason": null, "stop_sequence": null,
        "usage": {"input_tokens": 100, "output_tokens": 1}}})
}

fn responses_events(tag: &str, item: Value) -> Reply {
    let id = format!("resp_{tag}");
    let response = |status: &str, output: Value| {
        json!({"id": id, "object": "response", "created_at": 1_700_000_000, "status": status,
            "model": "e2e", "output": output, "usage": {
                "input_tokens": 100, "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": 20, "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": 120}})
    };
    Reply::Events(sse(&[
        (
            Some("response.created"),
            json!({"type": "response.created", "sequence_number": 0,
                "response": response("in_progress", json!([]))}),
        ),
        (
            Some("response.output_item.added"),
            json!({"type": "response.output_item.added", "sequence_number": 1,
                "output_index": 0, "item": item}),
        ),
        (
            Some("response.output_item.done"),
            json!({"type": "response.output_item.done", "sequence_number": 2,
                "output_index": 0, "item": item}),
        ),
        (
            Some("response.completed"),
            json!({"type": "response.completed", "sequence_number": 3,
                "response": response("completed", json!([item]))}),
        ),
    ]))
}

fn gemini_chunk(parts: Value) -> Value {
    json!({"candidates": [{"content": {"role": "model", "parts": parts},
        "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 100, "candidatesTokenCount": 20,
            "totalTokenCount": 120},
        "modelVersion": "gemini-e2e"})
}

fn chat_events(tag: &str, delta: Value, finish: &str) -> String {
    let id = format!("chatcmpl-{tag}");
    let chunk = |choices: Value, usage: Value| {
        json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": "e2e", "choices": choices, "usage": usage})
    };
    let mut out = sse(&[
        (
            None,
            chunk(
                json!([{"index": 0, "delta": delta, "finish_reason": null}]),
                Value::Null,
            ),
        ),
        (
            None,
            chunk(
                json!([{"index": 0, "delta": {}, "finish_reason": finish}]),
                Value::Null,
            ),
        ),
        (
            None,
            chunk(
                json!([]),
                json!({"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}),
            ),
        ),
    ]);
    out.push_str("data: [DONE]\n\n");
    out
}

/// A value that satisfies a (Gemini or JSON) schema: every required property filled with the
/// first value its type allows.
fn fill(schema: &Value) -> Value {
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("object")
        .to_ascii_lowercase();
    match kind.as_str() {
        "string" => json!("ok"),
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        _ => {
            let mut object = serde_json::Map::new();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    object.insert(name.clone(), fill(property));
                }
            }
            Value::Object(object)
        }
    }
}
