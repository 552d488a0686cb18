import OmicsCore
import Testing

/// `makeUniqueNames` reproduces anndata's `make_index_unique` (its own test cases).
@Suite struct UniqueNamesTests {
  @Test func matchesAnndata() {
    #expect(makeUniqueNames(["val", "val", "val-1", "val-1"]) == ["val", "val-2", "val-1", "val-1-1"])
    #expect(makeUniqueNames(["a", "b", "a", "a"]) == ["a", "b", "a-1", "a-2"])
    #expect(makeUniqueNames(["x", "y"]) == ["x", "y"])
  }
}
