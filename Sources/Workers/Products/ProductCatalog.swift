/// The products the fleet knows, by name. The one registration list is `standard`.
public struct ProductCatalog: Sendable {
    public let products: [String: any Product]

    public init(_ products: [any Product]) {
        self.products = Dictionary(products.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every product SockMatcher ships. Adding a product: a new file and one line here.
    public static let standard = ProductCatalog([
        Sock(),
        Glove(),
        ButtonSet(),
        FoodContainer(),
        ContainerLid(),
    ])

    public subscript(name: String) -> (any Product)? { products[name] }

    public var names: [String] { products.keys.sorted() }

    /// The product named `name`, or a readable error listing the known ones.
    public func product(named name: String) throws(ProductInputError) -> any Product {
        guard let product = products[name] else {
            throw ProductInputError(product: name, reason: "unknown product '\(name.prefix(40))'; known: \(names.joined(separator: ", "))")
        }
        return product
    }

    /// A catalog with one more product (tests, plug-ins).
    public func adding(_ product: any Product) -> ProductCatalog {
        ProductCatalog(Array(products.values) + [product])
    }
}
