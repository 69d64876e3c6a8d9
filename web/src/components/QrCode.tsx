import QRCode from "qrcode";
import { useEffect, useState } from "react";

/** A QR code of `value` as an <img> data URL (the CSP allows `img-src data:`). */
export function QrCode({ value, label, size = 176 }: { value: string; label: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    QRCode.toDataURL(value, { margin: 1, width: size, errorCorrectionLevel: "M" }).then(
      (url) => !cancelled && setSrc(url),
      () => !cancelled && setSrc(null),
    );
    return () => {
      cancelled = true;
    };
  }, [value, size]);
  if (!src) return null;
  return <img className="qr" src={src} width={size} height={size} alt={label} />;
}
