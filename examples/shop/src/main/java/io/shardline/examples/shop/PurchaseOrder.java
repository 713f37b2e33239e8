package io.shardline.examples.shop;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import java.math.BigDecimal;
import java.time.Instant;

@Entity
public class PurchaseOrder {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @JsonIgnore
    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    private Customer customer;

    @JsonIgnore
    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    private Product product;

    private int quantity;

    @Column(nullable = false, precision = 12, scale = 2)
    private BigDecimal total;

    @Column(nullable = false)
    private Instant placedAt;

    protected PurchaseOrder() {
    }

    public PurchaseOrder(Customer customer, Product product, int quantity, Instant placedAt) {
        this.customer = customer;
        this.product = product;
        this.quantity = quantity;
        this.total = product.getPrice().multiply(BigDecimal.valueOf(quantity));
        this.placedAt = placedAt;
    }

    public Long getId() {
        return id;
    }

    public Long getCustomerId() {
        return customer.getId();
    }

    public Long getProductId() {
        return product.getId();
    }

    public int getQuantity() {
        return quantity;
    }

    public BigDecimal getTotal() {
        return total;
    }

    public Instant getPlacedAt() {
        return placedAt;
    }
}
