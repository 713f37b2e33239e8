package io.shardline.examples.shop;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The shop's transactions. Writes run on the primary (and Shardline replicates them); the
 * {@code readOnly} transactions are read from a replica that has applied this instance's last
 * commit (and the commits named by the request's {@code Shardline-Session} header), or from the
 * primary if none has.
 */
@Service
public class ShopService {

    private final CustomerRepository customers;
    private final ProductRepository products;
    private final OrderRepository orders;
    private final Clock clock = Clock.systemUTC();

    public ShopService(CustomerRepository customers, ProductRepository products, OrderRepository orders) {
        this.customers = customers;
        this.products = products;
        this.orders = orders;
    }

    @Transactional
    public Customer register(String name, String email) {
        return customers.save(new Customer(name, email));
    }

    @Transactional
    public Product addProduct(String name, BigDecimal price, int stock) {
        return products.save(new Product(name, price, stock));
    }

    /** Takes the stock and records the order in one transaction. */
    @Transactional
    public PurchaseOrder placeOrder(long customerId, long productId, int quantity) {
        Customer customer = customers.findById(customerId).orElseThrow(() -> new NotFound("customer " + customerId));
        Product product = products.findById(productId).orElseThrow(() -> new NotFound("product " + productId));
        product.take(quantity);
        return orders.save(new PurchaseOrder(customer, product, quantity, clock.instant()));
    }

    @Transactional(readOnly = true)
    public Optional<Customer> customer(long id) {
        return customers.findById(id);
    }

    @Transactional(readOnly = true)
    public Optional<Product> product(long id) {
        return products.findById(id);
    }

    @Transactional(readOnly = true)
    public List<Product> products() {
        return products.findAll();
    }

    @Transactional(readOnly = true)
    public Optional<PurchaseOrder> order(long id) {
        return orders.findById(id);
    }

    @Transactional(readOnly = true)
    public List<PurchaseOrder> ordersOf(long customerId) {
        if (!customers.existsById(customerId)) throw new NotFound("customer " + customerId);
        return orders.findByCustomer_IdOrderById(customerId);
    }

    /** Something the request named does not exist: 404. */
    public static class NotFound extends RuntimeException {
        public NotFound(String what) {
            super(what + " not found");
        }
    }
}
