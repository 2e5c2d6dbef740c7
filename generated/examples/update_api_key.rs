//! Renames a Confluent Cloud API key.
//!
//! ```sh
//! CONFLUENT_CLOUD_API_KEY=... CONFLUENT_CLOUD_API_SECRET=... \
//!   cargo run -p confluent-cloud --example update_api_key -- ak-12345 "new display name"
//! ```
//!
//! `CONFLUENT_CLOUD_BASE_URL` overrides the server (for a local mock, add
//! `CONFLUENT_CLOUD_ALLOW_HTTP=1` to send credentials over plain http).

use confluent_cloud::types::{UpdateApiKeyRequest, ApiKeySpecRequest};
use confluent_cloud::{Client, Error, UpdateIamV2ApiKeyError};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(id), Some(name)) = (args.next(), args.next()) else {
        eprintln!("usage: update_api_key API_KEY_ID NEW_DISPLAY_NAME");
        std::process::exit(2);
    };
    let key = std::env::var("CONFLUENT_CLOUD_API_KEY").map_err(|_| "set CONFLUENT_CLOUD_API_KEY")?;
    let secret = std::env::var("CONFLUENT_CLOUD_API_SECRET").map_err(|_| "set CONFLUENT_CLOUD_API_SECRET")?;
    let mut builder = Client::builder().basic_auth(key, secret);
    if let Ok(url) = std::env::var("CONFLUENT_CLOUD_BASE_URL") {
        builder = builder.base_url(url).allow_insecure_http(std::env::var("CONFLUENT_CLOUD_ALLOW_HTTP").is_ok());
    }
    let client = builder.build()?;

    let body = UpdateApiKeyRequest { spec: Some(ApiKeySpecRequest { display_name: Some(name), ..Default::default() }) };
    match client.update_iam_v2_api_key(&id).body(&body).await {
        Ok(resp) => {
            println!("updated {} ({:?}), request id {:?}", resp.body.id, resp.body.spec.display_name, resp.request_id);
            if let Some(remaining) = resp.headers.x_rate_limit_remaining {
                println!("{remaining} requests left in this rate-limit window");
            }
        }
        Err(Error::Api(e)) => {
            match &e.error {
                UpdateIamV2ApiKeyError::NotFound(_) => eprintln!("no API key {id}"),
                UpdateIamV2ApiKeyError::Unauthorized(_) => eprintln!("the key or secret is wrong"),
                UpdateIamV2ApiKeyError::TooManyRequests(reply) => {
                    eprintln!("rate limited; retry in {:?} s", reply.headers.retry_after)
                }
                other => eprintln!("HTTP {}: {other:?}", e.status),
            }
            std::process::exit(1);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
