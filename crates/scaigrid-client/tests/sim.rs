//! The client against the local ScaiGrid stand-in: envelopes, paging, errors and retries.

use scaigrid_client::{Client, NewQueue};
use scaigrid_sim::{DEMO_KEY, Fault, ModelsStyle, SimConfig, SimKey};
use serde_json::json;

async fn sim(config: SimConfig) -> scaigrid_sim::Running {
    scaigrid_sim::start(config).await.expect("the stand-in starts")
}

#[tokio::test]
async fn models_read_the_same_in_every_envelope() {
    for style in [ModelsStyle::Native, ModelsStyle::Items, ModelsStyle::OpenAi] {
        let grid = sim(SimConfig { models_style: style, ..SimConfig::demo() }).await;
        let models = Client::new(&grid.url, DEMO_KEY).unwrap().models().await.unwrap();
        assert_eq!(models.len(), SimConfig::demo().models.len(), "{style:?}");
        assert!(
            models.iter().all(|m| !m.slug.is_empty() && m.display_name.is_some()),
            "{style:?}: {models:?}"
        );
    }
}

#[tokio::test]
async fn scopes_and_queues_are_created_listed_and_kept_unique() {
    let grid = sim(SimConfig::demo()).await;
    let client = Client::new(&grid.url, DEMO_KEY).unwrap();
    let scope = client.create_scope("support", "Support").await.unwrap();
    assert_eq!(scope.slug, "support");
    let again = client.create_scope("support", "Support").await.unwrap_err();
    assert_eq!((again.status(), again.code()), (Some(409), Some("SLUG_CONFLICT")));
    let (ordering, consumers) = NewQueue::delivery("priority");
    let queue = NewQueue {
        slug: "review".into(),
        display_name: Some("Review".into()),
        ordering: Some(ordering.into()),
        consumer_mode: Some(consumers.into()),
        max_retries: Some(3),
        ..NewQueue::default()
    };
    let created = client.create_queue(&scope.id, &queue).await.unwrap();
    assert_eq!((created.slug.as_str(), created.max_retries), ("review", Some(3)));
    assert_eq!(created.consumer_mode.as_deref(), Some("priority"), "ScaiFlow's consumer mode");
    let (ordering, consumers) = NewQueue::delivery("broadcast");
    let fanout = NewQueue {
        slug: "outcomes".into(),
        ordering: Some(ordering.into()),
        consumer_mode: Some(consumers.into()),
        ..NewQueue::default()
    };
    client.create_queue(&scope.id, &fanout).await.unwrap();
    let queues = client.queues(&scope.id).await.unwrap();
    assert!(queues.iter().any(|q| q.id == created.id));
    let outcomes = queues.iter().find(|q| q.slug == "outcomes").unwrap();
    assert_eq!(outcomes.consumer_mode.as_deref(), Some("broadcast"));
    assert_eq!(client.scopes().await.unwrap(), vec![scope]);
    let unknown = client.queues("sc_nope").await.unwrap_err();
    assert_eq!(unknown.status(), Some(404));
}

#[tokio::test]
async fn long_lists_are_followed_through_their_pages() {
    let bunkers: Vec<_> =
        (0..230).map(|n| json!({"bunker_id": format!("bnk_{n:03}"), "status": "ready"})).collect();
    let grid = sim(SimConfig { bunkers, ..SimConfig::demo() }).await;
    let listed = Client::new(&grid.url, DEMO_KEY).unwrap().bunkers().await.unwrap();
    assert_eq!(listed.len(), 230);
    assert_eq!(grid.hits("/v1/modules/scaibunker/bunkers"), 3, "pages of 100");
}

#[tokio::test]
async fn rate_limits_are_waited_out_a_few_times_then_reported() {
    let grid = sim(SimConfig::demo()).await;
    let client = Client::new(&grid.url, DEMO_KEY).unwrap();
    grid.fail_next("/v1/models", Fault::RateLimited { retry_after_s: 0 }, 2);
    assert!(client.models().await.is_ok());
    assert_eq!(grid.hits("/v1/models"), 3);
    grid.fail_next("/v1/models", Fault::ModelUnavailable, 10);
    let error = client.models().await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(503), Some("MODEL_UNAVAILABLE")));
    assert_eq!(grid.hits("/v1/models"), 3 + 1 + scaigrid_client::RETRIES as u64);
}

#[tokio::test]
async fn credentials_and_permissions_are_scaigrid_s_to_refuse() {
    let viewer = SimKey::new(
        "sgk_viewer_000000000000000000000000000",
        "tnt_acme",
        "acme",
        &["scaiqueue:view"],
    );
    let grid = sim(SimConfig { keys: vec![viewer], ..SimConfig::demo() }).await;
    let refused = Client::new(&grid.url, "sgk_viewer_000000000000000000000000000")
        .unwrap()
        .create_scope("ops", "Ops")
        .await
        .unwrap_err();
    assert_eq!((refused.status(), refused.code()), (Some(403), Some("AUTHZ_PERMISSION_DENIED")));
    assert!(refused.to_string().contains("scaiqueue:manage"), "{refused}");
    let unknown = Client::new(&grid.url, "sgk_unknown").unwrap().scopes().await.unwrap_err();
    assert_eq!((unknown.status(), unknown.code()), (Some(401), Some("AUTH_TOKEN_INVALID")));
    let nowhere = Client::new("http://127.0.0.1:9", DEMO_KEY).unwrap().scopes().await.unwrap_err();
    assert!(matches!(nowhere, scaigrid_client::Error::Transport(_)), "{nowhere}");
}

#[tokio::test]
async fn provisioning_finds_or_creates_and_survives_a_race() {
    let grid = sim(SimConfig::demo()).await;
    let client = Client::new(&grid.url, DEMO_KEY).unwrap();
    // Two deploys provisioning the same scope at once end up with the one scope.
    let (a, b) = tokio::join!(
        client.ensure_scope("orders", "Orders"),
        client.ensure_scope("orders", "Orders")
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.id, b.id);
    assert_eq!(client.scopes().await.unwrap().len(), 1);
    let again = client.ensure_scope("orders", "Orders").await.unwrap();
    assert_eq!(again.id, a.id, "a second deploy reuses it");

    let queue = NewQueue {
        slug: "intake".into(),
        description: Some("New orders".into()),
        ..NewQueue::default()
    };
    let (q1, q2) =
        tokio::join!(client.ensure_queue(&a.id, &queue), client.ensure_queue(&a.id, &queue));
    assert_eq!(q1.unwrap().id, q2.unwrap().id);
    let intake: Vec<_> =
        client.queues(&a.id).await.unwrap().into_iter().filter(|q| q.slug == "intake").collect();
    assert_eq!(intake.len(), 1);

    // Without the permission to create, provisioning reports ScaiGrid's refusal.
    let viewer = SimKey::new(
        "sgk_viewer_000000000000000000000000000",
        "tnt_sim_demo",
        "demo",
        &["scaiqueue:view"],
    );
    let grid = sim(SimConfig { keys: vec![viewer], ..SimConfig::demo() }).await;
    let refused = Client::new(&grid.url, "sgk_viewer_000000000000000000000000000")
        .unwrap()
        .ensure_scope("orders", "Orders")
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
}
