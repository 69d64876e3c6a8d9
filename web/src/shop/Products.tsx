import { Link } from "react-router";
import { EmptyState, ErrorNotice, Loading } from "../components/ui";
import { ApiProblem, type Page, request } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { Product } from "../lib/types";
import { shopPath, useShop } from "./ShopApp";

export function availabilityOf(product: Product): { soldOut: boolean; available: number | null } {
  if (product.skus.length === 0) return { soldOut: true, available: 0 };
  if (product.skus.some((sku) => sku.available === null)) return { soldOut: false, available: null };
  const available = product.skus.reduce((sum, sku) => sum + (sku.available ?? 0), 0);
  return { soldOut: available === 0, available };
}

export function ProductsPage() {
  const shop = useShop();
  const { t, money, number } = useI18n();
  const products = useLoad(
    (signal) =>
      request<Page<Product>>("GET", `/v1/shops/${encodeURIComponent(shop.slug)}/products?limit=100`, { signal }),
    [shop.slug],
  );

  if (products.error instanceof ApiProblem && products.error.status === 404) {
    return (
      <section>
        <h1>{t("shop.notFound")}</h1>
        <p>{t("shop.notFoundBody")}</p>
      </section>
    );
  }

  return (
    <section>
      <h1>{shop.name}</h1>
      <ErrorNotice error={products.error} />
      {products.loading && !products.data ? <Loading /> : null}
      {products.data && products.data.data.length === 0 ? <EmptyState>{t("shop.noProducts")}</EmptyState> : null}
      <ul className="product-grid">
        {products.data?.data.map((product) => {
          const { soldOut, available } = availabilityOf(product);
          const cheapest = product.skus.reduce<Product["skus"][number] | undefined>(
            (min, sku) => (!min || sku.price.amount < min.price.amount ? sku : min),
            undefined,
          );
          return (
            <li key={product.id} className={soldOut ? "product-card sold-out" : "product-card"}>
              <Link to={shopPath(shop.slug, `/p/${product.id}`)} className="product-link">
                {product.imageUrl ? (
                  <img src={product.imageUrl} alt="" className="product-image" loading="lazy" />
                ) : (
                  <span className="product-image placeholder" aria-hidden="true">
                    {product.name.slice(0, 1)}
                  </span>
                )}
                <span className="product-name">{product.name}</span>
              </Link>
              {product.skus.some((sku) => sku.flashSale) ? (
                <p>
                  <span className="badge badge-warning" data-testid="flash-sale-badge">
                    {t("shop.flashSale")}
                  </span>
                </p>
              ) : null}
              <p className="product-price">
                {cheapest
                  ? product.skus.length > 1
                    ? t("shop.priceFrom", { price: money(cheapest.price) })
                    : money(cheapest.price)
                  : "—"}
              </p>
              <p className="product-stock">
                {soldOut ? (
                  <span className="badge badge-error">{t("shop.soldOut")}</span>
                ) : available === null ? (
                  <span className="badge badge-success">{t("shop.inStock")}</span>
                ) : (
                  <span className="badge badge-success">{t("shop.leftN", { n: number(available) })}</span>
                )}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
