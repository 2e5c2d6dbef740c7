//! Creates a Basic Kafka cluster, and is happy when it already exists.
//!
//! ```sh
//! CONFLUENT_CLOUD_API_KEY=... CONFLUENT_CLOUD_API_SECRET=... cargo run --example create_cluster -- env-abc123 orders
//! ```
//!
//! A 409 (a cluster of that name exists) is success; a 429 waits as long as the server asks
//! (`Retry-After`) and tries again, at most five times. `CONFLUENT_CLOUD_BASE_URL` points it
//! somewhere other than https://api.confluent.cloud.

use std::time::Duration;

use confluent_cloud::cmk_v2::types::{
    Basic, ClusterSpecAvailability, ClusterSpecCloud, ClusterSpecRequest, ClusterSpecRequestConfig, CreateClusterRequest,
    EnvScopedObjectReferenceRequest,
};
use confluent_cloud::cmk_v2::CreateCmkV2ClusterError;
use confluent_cloud::{Client, Error, RetryPolicy};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(environment), Some(name)) = (args.next(), args.next()) else {
        return Err("usage: create_cluster ENVIRONMENT_ID CLUSTER_NAME".into());
    };

    let mut builder = Client::builder()
        .basic_auth(std::env::var("CONFLUENT_CLOUD_API_KEY")?, std::env::var("CONFLUENT_CLOUD_API_SECRET")?)
        // This program waits on 429 itself, so the wait is visible; the client would otherwise
        // retry quietly.
        .retry_policy(RetryPolicy::none());
    if let Ok(url) = std::env::var("CONFLUENT_CLOUD_BASE_URL") {
        let local = url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost");
        builder = builder.base_url(url).allow_insecure_http(local);
    }
    let cmk = Client::new(builder.build_transport()?).cmk_v2()?;

    let request = CreateClusterRequest {
        // Required enum fields rule out `Default`; `new` takes the required fields, and struct
        // update syntax keeps this literal compiling when the spec adds optional fields.
        spec: ClusterSpecRequest {
            deletion_protection: Some(true),
            ..ClusterSpecRequest::new(
                name.clone(),
                ClusterSpecAvailability::SingleZone,
                ClusterSpecCloud::Aws,
                "us-east-2".into(),
                // A one-value tag (`kind: Basic`) is its enum's default, so the variant needs no tag.
                ClusterSpecRequestConfig::Basic(Basic::default()),
                EnvScopedObjectReferenceRequest { id: environment, environment: None },
            )
        },
    };

    for _attempt in 0..5 {
        match cmk.create_cmk_v2_cluster().body(&request).await {
            Ok(created) => {
                let id = created.body.id.as_deref().unwrap_or("(no id yet)");
                println!("created cluster {name}: {id} ({})", created.body.status.phase);
                return Ok(());
            }
            Err(err) if err.is_rate_limited() => {
                let wait = err.retry_after().unwrap_or(Duration::from_secs(5));
                println!("rate limited; waiting {} s as the server asked", wait.as_secs_f64());
                tokio::time::sleep(wait).await;
            }
            Err(Error::Api(e)) => match &e.error {
                CreateCmkV2ClusterError::Conflict(reply) => {
                    let detail = reply.body.errors.first().and_then(|x| x.detail.as_deref()).unwrap_or("conflict");
                    println!("cluster {name} already exists: {detail}");
                    return Ok(());
                }
                other => return Err(format!("HTTP {} (request {:?}): {other:?}", e.status, e.request_id).into()),
            },
            Err(other) => return Err(other.into()),
        }
    }
    Err("still rate limited after 5 attempts".into())
}
