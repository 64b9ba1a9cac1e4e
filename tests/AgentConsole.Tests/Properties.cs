// Each test class starts its own app; Hangfire's storage is process-global static state, so classes run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
