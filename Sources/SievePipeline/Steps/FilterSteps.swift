import SieveCore
import SieveFilters

/// Steps of SieveFilters: quality, repetition and blocklist filters.
let filterSteps: [StepDefinition] = []
