//! `workspace/executeCommand` (`convox.kubectl`, `convox.render`, `convox.troubleshoot`) and the
//! `convox/render` request.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::invalid;
use crate::lsp::capabilities::{KUBECTL_COMMAND, RENDER_COMMAND, TROUBLESHOOT_COMMAND};
use crate::lsp::documents::Snapshot;
use crate::lsp::server::Server;

#[derive(Debug, serde::Deserialize)]
pub struct RenderParams {
    pub uri: Uri,
    /// Only this service (and the timers that run on it).
    #[serde(default)]
    pub service: Option<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct RenderResult {
    pub yaml: String,
}

/// An open document's snapshot, or the error answer naming it.
async fn open(server: &Server, uri: &Uri) -> Result<Snapshot> {
    server.snapshot(uri).await.ok_or_else(|| invalid(format!("{} is not open", uri.as_str())))
}

/// `convox/render`: the Kubernetes objects Convox would render for an open manifest.
pub async fn render(server: &Server, params: RenderParams) -> Result<RenderResult> {
    let snap = open(server, &params.uri).await?;
    let yaml = snap.analysis.render(&snap.context, params.service.as_deref()).map_err(invalid)?;
    Ok(RenderResult { yaml })
}

pub async fn execute(server: &Server, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
    let text = |i: usize| params.arguments.get(i).and_then(|a| a.as_str());
    match params.command.as_str() {
        RENDER_COMMAND => {
            let uri = text(0)
                .and_then(|u| u.parse().ok())
                .ok_or_else(|| invalid("convox.render takes the manifest's URI"))?;
            let result = render(server, RenderParams { uri, service: text(1).map(str::to_string) }).await?;
            Ok(Some(LSPAny::String(result.yaml)))
        }
        TROUBLESHOOT_COMMAND => troubleshoot(server, text(0), text(1)).await.map(|md| Some(LSPAny::String(md))),
        KUBECTL_COMMAND => {
            let cmd = text(0).ok_or_else(|| invalid("convox.kubectl takes the command as its argument"))?.to_string();
            // Not awaited: the message must not hold this handler (the client may answer slowly).
            let client = server.client.clone();
            let message = cmd.clone();
            tokio::spawn(async move { client.show_message(MessageType::INFO, message).await });
            Ok(Some(LSPAny::String(cmd)))
        }
        other => Err(invalid(format!("unknown command {other}"))),
    }
}

/// `convox.troubleshoot URI NAME`: the ladder of an open document's service, timer or resource.
async fn troubleshoot(server: &Server, uri: Option<&str>, name: Option<&str>) -> Result<String> {
    let (Some(uri), Some(name)) = (uri, name) else {
        return Err(invalid("convox.troubleshoot takes the manifest's URI and a service, timer or resource name"));
    };
    let uri: Uri = uri.parse().map_err(|_| invalid(format!("not a URI: {uri}")))?;
    let snap = open(server, &uri).await?;
    snap.analysis.troubleshoot(&snap.context, name).map_err(|names| {
        invalid(format!("no service, timer or resource named {name} (there are: {})", names.join(", ")))
    })
}

impl Server {
    /// `convox/render` (a custom request, registered in `lsp::service`).
    pub async fn render(&self, params: RenderParams) -> Result<RenderResult> {
        render(self, params).await
    }
}
