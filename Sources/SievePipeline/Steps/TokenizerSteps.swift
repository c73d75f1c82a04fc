import SieveCore
import SieveTokenizer

/// Steps of SieveTokenizer: tokenization.
let tokenizerSteps: [StepDefinition] = []
