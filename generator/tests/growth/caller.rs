// One caller, written against v1 of `growth/v1.yaml`; `spec_growth.rs` compiles it unchanged
// against the crates of v1 and v2 (v2 adds optional query and header parameters, a documented
// error status, optional body and response fields, and an operation).

use api::types::{Topic, TopicCreate};
use api::{Client, Error, GetTopicError};

pub async fn caller(client: &Client) -> Result<Vec<Topic>, Error<api::ListTopicsError>> {
    match client.get_topic("lkc-1", "orders").await {
        Ok(resp) => println!("{} has {:?} partitions", resp.body.name, resp.body.partitions),
        Err(Error::Api(e)) => match e.error {
            GetTopicError::NotFound(reply) => println!("not found: {:?}", reply.body.message),
            other => println!("HTTP {}: {other:?}", e.status),
        },
        Err(other) => println!("{other}"),
    }
    // `..Default::default()` keeps the literal valid when the spec adds optional fields.
    #[allow(clippy::needless_update)]
    let body = TopicCreate { name: Some("orders".into()), partitions: Some(3), ..Default::default() };
    if let Err(e) = client.create_topic("lkc-1", &body).send().await {
        println!("create failed: {e}");
    }
    let first_page = client.list_topics("lkc-1").page_size(10).await?;
    Ok(first_page.body)
}

fn main() {
    let client = Client::builder().build().expect("client");
    drop(caller(&client));
}
