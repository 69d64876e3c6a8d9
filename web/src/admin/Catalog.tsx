import { Link, useLocation } from "react-router";
import { EmptyState, ErrorNotice, Loading, Notice, Pager, usePager } from "../components/ui";
import { type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { Product } from "../lib/types";
import { kindLabel } from "./product-kinds";
import { useAdmin } from "./session";

export function CatalogPage() {
  const { api, can } = useAdmin();
  const { t, money, number } = useI18n();
  const pager = usePager();
  const location = useLocation();
  const { created, thresholdFailed } = (location.state as { created?: string; thresholdFailed?: boolean } | null) ?? {};
  const products = useLoad(
    (signal) => api.get<Page<Product>>(`/v1/admin/products${query({ limit: 50, cursor: pager.cursor })}`, { signal }),
    [api, pager.cursor],
  );

  return (
    <section>
      <div className="page-head">
        <h1>{t("catalog.title")}</h1>
        {can("catalog.write") ? (
          <Link className="button primary" to="/admin/catalog/new">
            {t("catalog.new")}
          </Link>
        ) : null}
      </div>
      {created ? (
        <Notice tone="success" live>
          {t("catalog.created", { name: created })}
        </Notice>
      ) : null}
      {created && thresholdFailed ? <Notice tone="warning">{t("catalog.thresholdFailed")}</Notice> : null}
      <ErrorNotice error={products.error} />
      {products.loading && !products.data ? <Loading /> : null}
      {products.data && products.data.data.length === 0 ? <EmptyState>{t("catalog.empty")}</EmptyState> : null}
      {products.data && products.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("catalog.name")}</th>
                <th scope="col">{t("catalog.kind")}</th>
                <th scope="col">{t("catalog.skus")}</th>
                <th scope="col">{t("catalog.price")}</th>
                <th scope="col">{t("catalog.available")}</th>
                <th scope="col">{t("catalog.listed")}</th>
              </tr>
            </thead>
            <tbody>
              {products.data.data.map((product) => {
                const prices = product.skus.map((sku) => sku.price);
                const cheapest = prices.reduce<(typeof prices)[number] | undefined>(
                  (min, price) => (!min || price.amount < min.amount ? price : min),
                  undefined,
                );
                const stocked = product.skus.every((sku) => sku.available === null)
                  ? t("catalog.minted")
                  : number(product.skus.reduce((sum, sku) => sum + (sku.available ?? 0), 0));
                return (
                  <tr key={product.id}>
                    <td>
                      <Link to={`/admin/catalog/${product.id}`}>{product.name}</Link>
                    </td>
                    <td>{t(kindLabel(product))}</td>
                    <td>{product.skus.map((sku) => sku.name).join(", ")}</td>
                    <td>{cheapest ? money(cheapest) : "—"}</td>
                    <td>{stocked}</td>
                    <td>
                      <span className={product.listed ? "badge badge-success" : "badge badge-muted"}>
                        {product.listed ? t("catalog.on") : t("catalog.off")}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pager={pager} nextCursor={products.data?.nextCursor} />
    </section>
  );
}
