import { expect, it } from "vitest";
import { type Db, findMerchantBySlug, findSkuOfMerchant, listProductsPage, recordStockLevel } from "../../src";
import { makeMerchant, makeProduct } from "../factories";

/** Walks every page of a listing and returns the ids in the order they were shown. */
async function walk(
  fetchPage: (cursor?: string) => Promise<{ data: { product: { id: string } }[]; nextCursor: string | null }>,
) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const page = await fetchPage(cursor);
    ids.push(...page.data.map((entry) => entry.product.id));
    if (!page.nextCursor) return { ids, pages: pages + 1 };
    cursor = page.nextCursor;
  }
  throw new Error("the listing never ended");
}

export function catalogTests(db: () => Db): void {
  it("finds a merchant by its slug, and nothing for an unknown slug", async () => {
    const merchant = await makeMerchant(db());
    expect((await findMerchantBySlug(db(), merchant.slug))?.id).toBe(merchant.id);
    expect(await findMerchantBySlug(db(), `${merchant.slug}-missing`)).toBeNull();
  });

  it("lists a product with its own SKUs, ordered by SKU id", async () => {
    const merchant = await makeMerchant(db());
    const { product, skus } = await makeProduct(db(), merchant.id, { skus: 3 });
    await makeProduct(db(), merchant.id, { skus: 2 });
    const page = await listProductsPage(db(), merchant.id, { listedOnly: false, limit: 10 });
    const listed = page.data.find((entry) => entry.product.id === product.id);
    expect(listed?.product).toEqual(product);
    expect(listed?.skus).toEqual([...skus].sort((a, b) => a.id.localeCompare(b.id)));
    expect(page.data.map((entry) => entry.skus.length).sort()).toEqual([2, 3]);
  });

  it("pages products newest first with no duplicates and no gaps", async () => {
    const merchant = await makeMerchant(db());
    const made: string[] = [];
    for (let i = 0; i < 23; i++) made.push((await makeProduct(db(), merchant.id)).product.id);
    const { ids, pages } = await walk((cursor) =>
      listProductsPage(db(), merchant.id, { listedOnly: false, limit: 7, cursor }),
    );
    expect(ids).toEqual([...made].reverse());
    expect(pages).toBe(4);
  });

  it("ends on a full page when the count is a multiple of the limit", async () => {
    const merchant = await makeMerchant(db());
    for (let i = 0; i < 6; i++) await makeProduct(db(), merchant.id);
    const first = await listProductsPage(db(), merchant.id, { listedOnly: false, limit: 3 });
    const second = await listProductsPage(db(), merchant.id, {
      listedOnly: false,
      limit: 3,
      cursor: first.nextCursor ?? "",
    });
    expect(first.data).toHaveLength(3);
    expect(second.data).toHaveLength(3);
    expect(second.nextCursor).toBeNull();
  });

  it("hides unlisted products from a listed-only listing, across pages", async () => {
    const merchant = await makeMerchant(db());
    const listed: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { product } = await makeProduct(db(), merchant.id, { listed: i % 3 !== 0 });
      if (product.listed) listed.push(product.id);
    }
    const shop = await walk((cursor) => listProductsPage(db(), merchant.id, { listedOnly: true, limit: 2, cursor }));
    const admin = await walk((cursor) =>
      listProductsPage(db(), merchant.id, { listedOnly: false, limit: 100, cursor }),
    );
    expect(shop.ids).toEqual([...listed].reverse());
    expect(admin.ids).toHaveLength(8);
  });

  it("never shows one merchant's products or SKUs to another", async () => {
    const a = await makeMerchant(db());
    const b = await makeMerchant(db());
    const { product, skus } = await makeProduct(db(), a.id);
    const sku = skus[0];
    if (!sku) throw new Error("no SKU");
    expect((await listProductsPage(db(), b.id, { listedOnly: false, limit: 100 })).data).toEqual([]);
    expect(await findSkuOfMerchant(db(), b.id, sku.id)).toBeNull();
    expect(await findSkuOfMerchant(db(), a.id, sku.id)).toEqual({ sku, product });
  });

  it("never lets an older stock level overwrite a newer one", async () => {
    const merchant = await makeMerchant(db());
    const sku = (await makeProduct(db(), merchant.id)).skus[0];
    if (!sku) throw new Error("no SKU");
    const stock = async () => (await findSkuOfMerchant(db(), merchant.id, sku.id))?.sku;
    expect(await recordStockLevel(db(), merchant.id, sku.id, { available: 50, version: 5 })).toBe(true);
    expect(await recordStockLevel(db(), merchant.id, sku.id, { available: 70, version: 3 })).toBe(false);
    expect(await recordStockLevel(db(), merchant.id, sku.id, { available: 60, version: 5 })).toBe(false);
    expect(await stock()).toMatchObject({ stockAvailable: 50, stockVersion: 5 });
    expect(await recordStockLevel(db(), merchant.id, sku.id, { available: 49, version: 6 })).toBe(true);
    expect(await stock()).toMatchObject({ stockAvailable: 49, stockVersion: 6 });
  });

  it("never records a stock level on another merchant's SKU", async () => {
    const a = await makeMerchant(db());
    const b = await makeMerchant(db());
    const sku = (await makeProduct(db(), a.id)).skus[0];
    if (!sku) throw new Error("no SKU");
    expect(await recordStockLevel(db(), b.id, sku.id, { available: 9, version: 1 })).toBe(false);
    expect((await findSkuOfMerchant(db(), a.id, sku.id))?.sku).toMatchObject({ stockAvailable: 0, stockVersion: 0 });
  });
}
