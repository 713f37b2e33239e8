package io.shardline.examples.shop;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The REST API. Every response carries a {@code Shardline-Session} header (the starter's filter). */
@RestController
public class ShopController {

    public record NewCustomer(String name, String email) {
    }

    public record NewProduct(String name, BigDecimal price, int stock) {
    }

    public record NewOrder(long customerId, long productId, int quantity) {
    }

    private final ShopService shop;

    public ShopController(ShopService shop) {
        this.shop = shop;
    }

    @PostMapping("/customers")
    public ResponseEntity<Customer> register(@RequestBody NewCustomer c) {
        Customer saved = shop.register(c.name(), c.email());
        return ResponseEntity.created(URI.create("/customers/" + saved.getId())).body(saved);
    }

    @GetMapping("/customers/{id}")
    public Customer customer(@PathVariable long id) {
        return shop.customer(id).orElseThrow(() -> new ShopService.NotFound("customer " + id));
    }

    @GetMapping("/customers/{id}/orders")
    public List<PurchaseOrder> ordersOf(@PathVariable long id) {
        return shop.ordersOf(id);
    }

    @PostMapping("/products")
    public ResponseEntity<Product> addProduct(@RequestBody NewProduct p) {
        Product saved = shop.addProduct(p.name(), p.price(), p.stock());
        return ResponseEntity.created(URI.create("/products/" + saved.getId())).body(saved);
    }

    @GetMapping("/products")
    public List<Product> products() {
        return shop.products();
    }

    @GetMapping("/products/{id}")
    public Product product(@PathVariable long id) {
        return shop.product(id).orElseThrow(() -> new ShopService.NotFound("product " + id));
    }

    @PostMapping("/orders")
    public ResponseEntity<PurchaseOrder> placeOrder(@RequestBody NewOrder o) {
        PurchaseOrder saved = shop.placeOrder(o.customerId(), o.productId(), o.quantity());
        return ResponseEntity.created(URI.create("/orders/" + saved.getId())).body(saved);
    }

    @GetMapping("/orders/{id}")
    public PurchaseOrder order(@PathVariable long id) {
        return shop.order(id).orElseThrow(() -> new ShopService.NotFound("order " + id));
    }

    @ExceptionHandler(ShopService.NotFound.class)
    ProblemDetail notFound(ShopService.NotFound e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail conflict(IllegalStateException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }
}
