extension ScoringParameters {
    /// The prior a workflow is scored with: its type's, or for the workflow the prospect named, one
    /// built from the kind of work they said it mostly is (``CustomWorkflowPrior``). `nil` when
    /// neither is known (a pack without `custom_workflow`), and the workflow is then worth nothing.
    public func prior(for workflow: WorkflowAnswers) -> WorkflowPrior? {
        guard workflow.isCustom else { return workflows[workflow.type] }
        return customWorkflow?.prior(kind: workflow.kind ?? "", name: workflow.name)
    }

    /// The label shown for a workflow: the type's, or the name the prospect gave theirs.
    public func label(for workflow: WorkflowAnswers) -> String {
        prior(for: workflow)?.label ?? workflow.name ?? workflow.type
    }
}
