import Foundation
import Node

let tool = CommandLineTool(
    commands: [
        InitCommand.self, ServeCommand.self, PKIInitCACommand.self, PKIIssueCommand.self,
        APIKeyCreateCommand.self, APIKeyListCommand.self, APIKeyRevokeCommand.self,
        RegistryAdmitCommand.self, RegistryRevokeCommand.self, RegistryUpdateCommand.self, RegistryMembersCommand.self,
        InstallCertCommand.self, DirectoryShowCommand.self, FederationCallCommand.self,
        SolutionsImportCommand.self, CatalogueLoadSamplesCommand.self, KnowledgeGenerateCommand.self, LedgerVerifyCommand.self,
        SyncCommand.self,
    ],
    version: SoftwareVersion.current)
let status = tool.run(
    Array(CommandLine.arguments.dropFirst()),
    output: { FileHandle.standardOutput.write(Data($0.utf8)) },
    errorOutput: { FileHandle.standardError.write(Data($0.utf8)) })
exit(status)
