import SieveCore
import SieveText

/// Steps of SieveText: extraction, normalization, language identification.
let textSteps: [StepDefinition] = []
