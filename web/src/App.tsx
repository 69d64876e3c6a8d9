// The Worker answers every unknown path with index.html, so the shell routes on the path it
// was loaded at; a router library can come with the real admin app and shop.
export function App() {
  const path = window.location.pathname;
  if (path === "/admin" || path.startsWith("/admin/")) return <ComingSoon title="Admin" />;
  if (path.startsWith("/s/")) return <ComingSoon title="Shop" />;
  return <Home />;
}

function Home() {
  return (
    <main>
      <h1>Tessera</h1>
      <p>Sell, deliver and redeem virtual goods.</p>
      <ul>
        <li>
          <a href="/docs">API reference</a>
        </li>
        <li>
          <a href="/openapi.json">OpenAPI document</a>
        </li>
        <li>
          <a href="/admin">Admin</a>
        </li>
        <li>
          <a href="/s/demo">Demo shop</a>
        </li>
      </ul>
    </main>
  );
}

function ComingSoon({ title }: { title: string }) {
  return (
    <main>
      <h1>{title}</h1>
      <p lang="zh-CN">即将推出</p>
      <p lang="en">Coming soon</p>
      <p>
        <a href="/">Tessera</a>
      </p>
    </main>
  );
}
