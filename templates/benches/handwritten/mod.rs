//! Hand-written equivalents of the generated `confluent_cloud::types::ApiKey` family, written the
//! way a person would with serde: the same fields, `Option` exactly where the generated field is
//! optional, dates as `chrono::DateTime<Utc>`. `api_version` and `kind` are `String`s: like the
//! generated open enums they accept any value the server sends (a closed enum would reject new
//! values, which is not the same behaviour; `decode_list` also measures that variant).
//!
//! Also the sample `ApiKey` JSON both benches send and decode.

// The structs are decoded, never read field by field.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize)]
pub struct ApiKey {
    pub api_version: String,
    pub kind: String,
    pub id: String,
    pub metadata: Option<ObjectMeta>,
    pub spec: ApiKeySpec,
}

#[derive(Debug, Deserialize)]
pub struct ApiKeySpec {
    pub secret: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub owner: TypedGlobalObjectReference,
    pub resource: Option<TypedEnvScopedObjectReference>,
}

#[derive(Debug, Deserialize)]
pub struct ObjectMeta {
    #[serde(rename = "self")]
    pub self_: String,
    pub resource_name: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
pub struct TypedGlobalObjectReference {
    pub id: String,
    pub related: String,
    pub resource_name: String,
    pub api_version: Option<String>,
    pub kind: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct TypedEnvScopedObjectReference {
    pub id: String,
    pub environment: Option<String>,
    pub related: String,
    pub resource_name: String,
    pub api_version: Option<String>,
    pub kind: Option<String>,
}

/// The `i`-th sample API key as the server would send it: every field the spec documents for a
/// `get`/`list` response (no secret), with `resource` null on every other key.
pub fn api_key_json(i: usize) -> Value {
    let id = format!("ak-{i:05}");
    let resource = if i % 2 == 1 {
        Value::Null
    } else {
        json!({
            "id": "lkc-f3a90de",
            "environment": "env-abc123",
            "related": "https://api.confluent.cloud/cmk/v2/clusters/lkc-f3a90de",
            "resource_name": "crn://confluent.cloud/organization=9bb441c4-edef-46ac-8a41-c49e44a3fd9a/environment=env-abc123/cloud-cluster=lkc-f3a90de",
            "api_version": "cmk/v2",
            "kind": "Cluster"
        })
    };
    json!({
        "api_version": "iam/v2",
        "kind": "ApiKey",
        "id": id,
        "metadata": {
            "self": format!("https://api.confluent.cloud/iam/v2/api-keys/{id}"),
            "resource_name": format!("crn://confluent.cloud/organization=9bb441c4-edef-46ac-8a41-c49e44a3fd9a/api-key={id}"),
            "created_at": "2006-01-02T15:04:05-07:00",
            "updated_at": "2006-01-02T15:04:05-07:00"
        },
        "spec": {
            "display_name": format!("CI kafka access key {i}"),
            "description": "This API key provides kafka access to cluster x",
            "owner": {
                "id": "u-a83k9b",
                "related": "https://api.confluent.cloud/iam/v2/users/u-a83k9b",
                "resource_name": "crn://confluent.cloud/organization=9bb441c4-edef-46ac-8a41-c49e44a3fd9a/user=u-a83k9b",
                "api_version": "iam/v2",
                "kind": "User"
            },
            "resource": resource
        }
    })
}
