//! Lists every service account and every API key of a Confluent Cloud organization.
//!
//! ```sh
//! CONFLUENT_CLOUD_API_KEY=... CONFLUENT_CLOUD_API_SECRET=... cargo run --example list_accounts
//! ```
//!
//! `CONFLUENT_CLOUD_BASE_URL` points it somewhere other than https://api.confluent.cloud (a proxy,
//! or a local mock server).

use confluent_cloud::Client;
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder().basic_auth(
        std::env::var("CONFLUENT_CLOUD_API_KEY")?,
        std::env::var("CONFLUENT_CLOUD_API_SECRET")?,
    );
    if let Ok(url) = std::env::var("CONFLUENT_CLOUD_BASE_URL") {
        // Plain http only for a server on this machine: credentials never cross a network in clear.
        let local = url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost");
        builder = builder.base_url(url).allow_insecure_http(local);
    }
    let cloud = Client::new(builder.build_transport()?);

    // The IAM v1 service-account list is one response, not paginated.
    let accounts = cloud.iam_v1()?.list_v1_service_accounts().await?;
    for account in &accounts.body.users {
        println!("service-account {} {}", account.id, account.resource_id.as_deref().unwrap_or("-"));
    }

    // API keys come in pages; the stream follows `metadata.next` and yields every key. The
    // builder holds its own handle on the client, so the temporary group client can go.
    let mut keys = cloud.apikeys_v2()?.list_iam_v2_api_keys().page_size(100).stream();
    let mut count = 0;
    while let Some(key) = keys.next().await {
        let key = key?;
        println!(
            "api-key {} owner={} name={}",
            // One `ApiKey` type serves create, get and list; only the fields every one of them
            // requires are non-`Option`.
            key.id.as_deref().unwrap_or("-"),
            key.spec.owner.id,
            key.spec.display_name.as_deref().unwrap_or("-")
        );
        count += 1;
    }
    println!("{} service accounts, {count} API keys", accounts.body.users.len());
    Ok(())
}
