import GRDB

/// The workspace schema, one migration per version. Never edit a migration that has shipped; add one.
enum WorkspaceMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: assessments and answers") { db in
            try db.create(table: "assessment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("pack_id", .text).notNull()
                t.column("pack_version", .integer).notNull()
                t.column("pack_path", .text).notNull()
                t.column("pack_yaml", .text).notNull()
                t.column("status", .text).notNull()
                t.column("title", .text)
                t.column("answered", .integer).notNull().defaults(to: 0)
                t.column("total", .integer).notNull().defaults(to: 0)
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
                t.column("completed_at", .datetime)
            }
            try db.create(table: "answer") { t in
                t.column("assessment_id", .integer).notNull().references("assessment", onDelete: .cascade)
                t.column("key", .text).notNull()
                t.column("value_json", .text).notNull()
                t.column("answered_at", .datetime).notNull()
                t.primaryKey(["assessment_id", "key"])
            }
        }
        migrator.registerMigration("v2: scoring results") { db in
            try db.create(table: "score") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("assessment_id", .integer).notNull().references("assessment", onDelete: .cascade)
                t.column("parameters_version", .text).notNull()
                t.column("overrides_json", .text).notNull()
                t.column("result_json", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "score_by_assessment", on: "score", columns: ["assessment_id", "id"])
        }
        migrator.registerMigration("v3: consultant notes") { db in
            try db.create(table: "note") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("assessment_id", .integer).notNull().references("assessment", onDelete: .cascade)
                t.column("text", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
        }
        return migrator
    }
}
