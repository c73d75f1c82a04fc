import SieveCore
import SieveDedup

/// Steps of SieveDedup: deduplication.
let dedupSteps: [StepDefinition] = []
