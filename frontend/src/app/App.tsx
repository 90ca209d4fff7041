import { lazy, Suspense, useEffect } from "react";
import { useAuthStore } from "../auth/authStore";
import { InvitationPage } from "../auth/InvitationPage";
import { MfaPage } from "../auth/MfaPage";
import { SignInPage } from "../auth/SignInPage";
import { SignUpPage } from "../auth/SignUpPage";
import { ForgotPasswordPage } from "../auth/ForgotPasswordPage";
import { ResetPasswordPage } from "../auth/ResetPasswordPage";
import { VerifyEmailPage } from "../auth/VerifyEmailPage";
import { OidcCompletePage } from "../auth/OidcCompletePage";
import { matchPath, useLocation } from "./router";
import { Splash } from "./Splash";

export const loadSignedInApp = () => import("./SignedInApp");
const SignedInApp = lazy(loadSignedInApp);

export function App() {
  const status = useAuthStore((state) => state.status);
  const { pathname } = useLocation();
  useEffect(() => {
    void useAuthStore.getState().bootstrap();
  }, []);

  if (status === "loading") return <Splash />;
  // The mailed links work whether or not someone is signed in on this browser.
  if (pathname === "/verify-email") return <VerifyEmailPage />;
  if (pathname === "/reset-password") return <ResetPasswordPage />;
  if (pathname === "/oidc-complete" && status === "signedOut") return <OidcCompletePage />;
  if (status === "mfa") return <MfaPage />;
  if (status === "signedOut") return <SignedOutRoutes />;
  return (
    <Suspense fallback={<Splash />}>
      <SignedInApp />
    </Suspense>
  );
}

function SignedOutRoutes() {
  const { pathname } = useLocation();
  const invitation = matchPath("/invitations/:token", pathname);
  if (invitation?.token) return <InvitationPage token={invitation.token} />;
  if (pathname === "/signup") return <SignUpPage />;
  if (pathname === "/forgot-password") return <ForgotPasswordPage />;
  return <SignInPage />;
}
