// Starts `kfpl lsp` for .kfpl files; everything else is the language server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("kfpl").get("command") || "kfpl";
  client = new LanguageClient(
    "kfpl",
    "kfpl",
    { command, args: ["lsp"] },
    { documentSelector: [{ scheme: "file", language: "kfpl" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
