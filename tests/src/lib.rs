//! Shared helpers of the conformance suites (finding test data, reading results).
