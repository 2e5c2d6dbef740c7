//! Rotates an API key: creates a new key with the same owner and resource, prints it, then
//! deletes the old one.
//!
//! ```sh
//! CONFLUENT_CLOUD_API_KEY=... CONFLUENT_CLOUD_API_SECRET=... cargo run --example rotate_key -- OLD_KEY_ID
//! ```
//!
//! The new secret is printed once: store it before the old key is gone. Use credentials other
//! than the key being rotated. `CONFLUENT_CLOUD_BASE_URL` points it somewhere other than
//! https://api.confluent.cloud.

use confluent_cloud::apikeys_v2::types::{CreateApiKeyRequest, ApiKeySpecRequest, ObjectReferenceRequest};
use confluent_cloud::apikeys_v2::GetIamV2ApiKeyError;
use confluent_cloud::runtime::Patch;
use confluent_cloud::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(old_id) = std::env::args().nth(1) else {
        return Err("usage: rotate_key OLD_KEY_ID".into());
    };

    let mut builder = Client::builder()
        .basic_auth(std::env::var("CONFLUENT_CLOUD_API_KEY")?, std::env::var("CONFLUENT_CLOUD_API_SECRET")?);
    if let Ok(url) = std::env::var("CONFLUENT_CLOUD_BASE_URL") {
        let local = url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost");
        builder = builder.base_url(url).allow_insecure_http(local);
    }
    let keys = Client::new(builder.build_transport()?).apikeys_v2()?;

    // The new key must belong to the same owner (and cluster, for a cluster key) as the old one.
    let old = match keys.get_iam_v2_api_key(&old_id).await {
        Ok(old) => old.body,
        Err(Error::Api(e)) if matches!(e.error, GetIamV2ApiKeyError::NotFound(_)) => {
            return Err(format!("no API key {old_id}").into());
        }
        Err(other) => return Err(other.into()),
    };
    let request = CreateApiKeyRequest {
        spec: ApiKeySpecRequest {
            display_name: old.spec.display_name.clone(),
            description: Some(format!("rotated from {old_id}")),
            // A received reference converts into the request's (`From<&ObjectReference>`).
            owner: ObjectReferenceRequest::from(&old.spec.owner),
            resource: Patch::from_option(old.spec.resource.as_ref().map(ObjectReferenceRequest::from)),
            ..Default::default()
        },
    };
    let created = keys.create_iam_v2_api_key().body(&request).await?.body;
    let new_id = created.id.as_deref().ok_or("the new key came back without an id")?;
    let secret = created.spec.secret.as_deref().ok_or("the new key came back without a secret")?;
    println!("new key {new_id}");
    println!("new secret {secret}");

    keys.delete_iam_v2_api_key(&old_id).await?;
    println!("deleted old key {old_id}");
    Ok(())
}
