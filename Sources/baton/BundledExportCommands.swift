import ArgumentParser
import AssessmentFlow
import BundledResources

/// `baton pack export DIR`: the bundled questionnaire pack written out to edit, then used with
/// `--pack DIR` (or found by name through `$BATON_PACKS`).
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Write a bundled questionnaire pack out to edit.",
        subcommands: [Export.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a bundled pack (questions, scoring files, examples) into a folder.",
            discussion: """
                Edit the copy, check it with `baton questionnaire lint DIR`, then run it with \
                `baton assess --pack DIR`, or put its parent folder in BATON_PACKS to use it by name.
                """
        )

        @Argument(help: ArgumentHelp("The folder to write (made if missing).", valueName: "dir"))
        var folder: String

        @Option(help: "The bundled pack to write.")
        var name: String = PackLocator.defaultPack

        @Flag(help: "Replace files already in the folder.")
        var force = false

        func validate() throws {
            guard BundledResources.packNames.contains(name) else {
                throw ValidationError(
                    "no bundled pack '\(name)'; bundled: \(BundledResources.packNames.joined(separator: ", "))")
            }
        }

        func run() throws {
            try exportBundled(BundledResources.packFolder(name), to: folder, force: force)
        }
    }
}

/// `baton templates export DIR`: the bundled report templates written out to edit, then used with
/// `baton report --templates DIR`.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Write the bundled report templates out to edit.",
        subcommands: [Export.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the bundled report templates (Mustache) into a folder.",
            discussion: "Edit the copy, then render with it: `baton report ID --templates DIR`."
        )

        @Argument(help: ArgumentHelp("The folder to write (made if missing).", valueName: "dir"))
        var folder: String

        @Flag(help: "Replace files already in the folder.")
        var force = false

        func run() throws {
            try exportBundled(BundledResources.templatesFolder, to: folder, force: force)
        }
    }
}

/// Writes the bundled files under `bundled` into `folder` and lists the files written.
private func exportBundled(_ bundled: String, to folder: String, force: Bool) throws {
    try reportingFailures {
        for path in try BundledResources.export(bundled, to: folder, replacing: force) {
            printText(path)
        }
    }
}
