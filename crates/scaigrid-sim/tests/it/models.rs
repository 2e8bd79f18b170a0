//! `GET /v1/models` in each envelope style.

use axum::http::StatusCode;
use scaigrid_sim::{ModelsStyle, router};
use serde_json::Value;

use crate::{ACME, assert_request_id, config, get};

async fn models(style: ModelsStyle, query: &str) -> crate::Answer {
    let mut config = config();
    config.models_style = style;
    let answer = get(&router(config), &format!("/v1/models{query}"), ACME).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer
}

fn field<'a>(list: &'a Value, name: &str) -> Vec<&'a str> {
    list.as_array().unwrap().iter().map(|m| m[name].as_str().unwrap()).collect()
}

#[tokio::test]
async fn native_style_lists_the_seeded_models_under_data() {
    let answer = models(ModelsStyle::Native, "").await;
    assert_request_id(&answer);
    let data = &answer.body["data"];
    assert_eq!(
        field(data, "slug"),
        ["scailabs/poolnoodle-omni", "openai/gpt-4o", "scailabs/embed-small"]
    );
    assert_eq!(data[0]["display_name"], "Poolnoodle Omni");
    assert_eq!(data[0]["context_window"], 256_000);
    assert_eq!(data[0]["max_output_tokens"], 32_768);
    assert_eq!(data[0]["modality"], "chat");
}

#[tokio::test]
async fn items_style_wraps_the_list_in_items() {
    let answer = models(ModelsStyle::Items, "").await;
    assert_eq!(answer.body["status"], "ok");
    assert_eq!(field(&answer.body["data"]["items"], "slug").len(), 3);
}

#[tokio::test]
async fn openai_style_is_an_openai_list() {
    let answer = models(ModelsStyle::OpenAi, "").await;
    assert_eq!(answer.body["object"], "list");
    assert!(answer.body.get("meta").is_none());
    let data = &answer.body["data"];
    assert_eq!(field(data, "id"), field(data, "slug"));
    assert_eq!(field(data, "object"), ["model"; 3]);
    assert_eq!(data[1]["owned_by"], "openai");
    assert_eq!(data[1]["context_window"], 128_000);
}

#[tokio::test]
async fn modality_filters_the_list() {
    let answer = models(ModelsStyle::Native, "?modality=embedding").await;
    assert_eq!(field(&answer.body["data"], "slug"), ["scailabs/embed-small"]);
}
