import Testing
@testable import SievePipeline

@Suite struct LoadedResourcesTests {
    @Test func aResourceIsLoadedOncePerProcessAndKeyedByTypeAndName() throws {
        var loads = 0
        let first = LoadedResources.shared("test-resource") { loads += 1; return [1, 2, 3] }
        let again = LoadedResources.shared("test-resource") { loads += 1; return [9] }
        #expect(first == [1, 2, 3] && again == [1, 2, 3])
        #expect(loads == 1)
        // The same name with another type is another resource.
        #expect(LoadedResources.shared("test-resource") { "text" } == "text")
    }
}
