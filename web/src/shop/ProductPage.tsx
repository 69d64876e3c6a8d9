import { useEffect, useId, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { Markdown } from "../components/Markdown";
import { ErrorNotice, Loading, Notice } from "../components/ui";
import { ApiProblem, request } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import { termsSummary } from "../lib/policy-summary";
import type { Product } from "../lib/types";
import { SkuExtras } from "./BundleContents";
import { FlashSaleBox, salePhase, unitPriceOf, useNow } from "./FlashSale";
import { availabilityOf } from "./Products";
import { emptyRecipient, RecipientFields, recipientComplete } from "./RecipientFields";
import { shopPath, useShop } from "./ShopApp";
import { MAX_QUANTITY, useCart } from "./storage";

function loadProduct(shop: string, productId: string, signal: AbortSignal): Promise<Product> {
  return request<Product>("GET", `/v1/shops/${encodeURIComponent(shop)}/products/${encodeURIComponent(productId)}`, {
    signal,
  });
}

export function ProductPage() {
  const { productId = "" } = useParams();
  const shop = useShop();
  const { t, money, number } = useI18n();
  const navigate = useNavigate();
  const cart = useCart(shop.slug);
  const id = useId();
  const product = useLoad((signal) => loadProduct(shop.slug, productId, signal), [shop.slug, productId]);
  const [skuId, setSkuId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  const [recipient, setRecipient] = useState<Record<string, string> | null>(null);
  const [recipientMissing, setRecipientMissing] = useState(false);
  const now = useNow();
  const openings = (product.data?.skus ?? []).flatMap((s) =>
    s.flashSale?.status === "scheduled" ? [Date.parse(s.flashSale.startsAt)] : [],
  );
  // The moment a sale opens, read the product again: its price and what is left come from the server.
  const opened = openings.length > 0 && now >= Math.min(...openings);
  const { reload } = product;
  useEffect(() => {
    if (opened) reload();
  }, [opened, reload]);

  if (product.error) {
    return (
      <section>
        {product.error instanceof ApiProblem && product.error.status === 404 ? (
          <Notice tone="warning" title={t("shop.productGone")}>
            <Link to={shopPath(shop.slug)}>{t("shop.backToShop")}</Link>
          </Notice>
        ) : (
          <ErrorNotice error={product.error} />
        )}
      </section>
    );
  }
  const p = product.data;
  if (!p) return <Loading />;
  const { soldOut } = availabilityOf(p);
  const firstInStock = p.skus.find((s) => s.available === null || s.available > 0);
  const sku = p.skus.find((s) => s.id === skuId) ?? firstInStock ?? p.skus[0];
  const phase = salePhase(sku?.flashSale, now);
  // While a flash sale runs, what is left and the limit per customer are the sale's.
  const onSale = phase === "open" && sku?.flashSale ? sku.flashSale : null;
  const left = onSale ? onSale.remaining : sku?.available;
  const skuSoldOut = sku ? left !== null && left !== undefined && left <= 0 : true;
  const maxQuantity = Math.min(
    left === null || left === undefined ? MAX_QUANTITY : left,
    onSale ? onSale.perCustomerLimit : MAX_QUANTITY,
    MAX_QUANTITY,
  );

  const template = p.kind === "direct_recharge" ? (p.recharge ?? null) : null;
  const currentRecipient = template ? (recipient ?? emptyRecipient(template)) : null;

  const add = (checkout: boolean) => {
    if (!sku || skuSoldOut || phase === "scheduled") return;
    if (template && currentRecipient && !recipientComplete(template, currentRecipient)) {
      setRecipientMissing(true);
      return;
    }
    cart.add({
      skuId: sku.id,
      productId: p.id,
      productName: p.name,
      skuName: sku.name,
      kind: p.kind,
      unitPrice: unitPriceOf(sku, now),
      quantity: Math.max(1, Math.min(quantity, maxQuantity)),
      ...(currentRecipient ? { recipient: currentRecipient } : {}),
    });
    if (checkout) navigate(shopPath(shop.slug, "/cart"));
    else setAdded(true);
  };

  return (
    <article className="product-detail">
      <p>
        <Link to={shopPath(shop.slug)}>← {t("shop.backToShop")}</Link>
      </p>
      <div className="product-hero">
        {p.imageUrl ? <img src={p.imageUrl} alt={p.name} className="product-hero-image" /> : null}
        <div className="stack">
          <h1>{p.name}</h1>
          <Markdown source={p.description} className="description" />
          {soldOut ? (
            <Notice tone="warning" title={t("shop.soldOut")}>
              {t("shop.soldOutBody")}
            </Notice>
          ) : null}
          {p.skus.length > 1 ? (
            <fieldset className="sku-choice">
              <legend>{t("shop.chooseSku")}</legend>
              {p.skus.map((option) => {
                const out = option.available !== null && option.available <= 0;
                return (
                  <label key={option.id} className={out ? "radio disabled" : "radio"}>
                    <input
                      type="radio"
                      name={`${id}-sku`}
                      value={option.id}
                      disabled={out}
                      checked={sku?.id === option.id}
                      onChange={() => {
                        setSkuId(option.id);
                        setAdded(false);
                      }}
                    />
                    <span>
                      {option.name} — {money(option.price)}{" "}
                      {out ? <span className="badge badge-error">{t("shop.soldOut")}</span> : null}
                    </span>
                  </label>
                );
              })}
            </fieldset>
          ) : null}
          {sku?.flashSale ? <FlashSaleBox sale={sku.flashSale} regular={sku.price} now={now} /> : null}
          {sku && phase === "none" ? (
            <p className="price-line">
              <span className="price" data-testid="price">
                {money(sku.price)}
              </span>
              {p.skus.length === 1 ? <span className="muted">{sku.name}</span> : null}
              <span className="muted">
                {sku.available === null
                  ? t("shop.inStock")
                  : sku.available > 0
                    ? t("shop.leftN", { n: number(sku.available) })
                    : t("shop.soldOut")}
              </span>
            </p>
          ) : null}
          {sku && p.kind === "voucher" ? (
            <p className="muted small" data-testid="policy">
              {t("shop.policy", {
                uses: t("shop.usesN", { n: sku.policy.uses }),
                validity: sku.policy.validDays ? t("shop.validDaysN", { n: sku.policy.validDays }) : t("shop.noExpiry"),
              })}
            </p>
          ) : null}
          {sku && (p.kind === "stored_value" || p.kind === "time_card" || p.kind === "licence") ? (
            <p className="muted small" data-testid="policy">
              {termsSummary(sku.policy, sku.price.currency, t, money).join(" · ")}
            </p>
          ) : null}
          {sku ? <SkuExtras sku={sku} /> : null}
          {template && currentRecipient && !skuSoldOut ? (
            <>
              <RecipientFields
                template={template}
                value={currentRecipient}
                onChange={(next) => {
                  setRecipient(next);
                  setRecipientMissing(false);
                  setAdded(false);
                }}
              />
              {recipientMissing ? (
                <Notice tone="error" live>
                  {t("recipient.invalid")}
                </Notice>
              ) : null}
            </>
          ) : null}
          {phase === "scheduled" ? (
            <div className="buy-row">
              <button type="button" className="button primary" disabled data-testid="sale-not-open">
                {t("shop.saleNotOpen")}
              </button>
            </div>
          ) : null}
          {!skuSoldOut && phase !== "scheduled" ? (
            <div className="buy-row">
              <div className="field narrow">
                <label htmlFor={`${id}-qty`}>{t("shop.quantity")}</label>
                <input
                  id={`${id}-qty`}
                  type="number"
                  min={1}
                  max={maxQuantity}
                  value={quantity}
                  onChange={(event) => {
                    setQuantity(Math.max(1, Math.min(Number(event.target.value) || 1, maxQuantity)));
                    setAdded(false);
                  }}
                />
              </div>
              <button type="button" className="button" onClick={() => add(false)}>
                {t("shop.addToCart")}
              </button>
              <button type="button" className="button primary" onClick={() => add(true)}>
                {t("shop.buyNow")}
              </button>
            </div>
          ) : null}
          {added ? (
            <Notice tone="success" live>
              {t("shop.added")} <Link to={shopPath(shop.slug, "/cart")}>{t("shop.toCart")}</Link>
            </Notice>
          ) : null}
        </div>
      </div>
      {p.instructions ? (
        <section className="card">
          <h2>{t("shop.howToUse")}</h2>
          <Markdown source={p.instructions} />
        </section>
      ) : null}
    </article>
  );
}
