import { lazy, Suspense, useEffect } from "react";
import { useAuthStore } from "../auth/authStore";
import { InvitationPage } from "../auth/InvitationPage";
import { MfaPage } from "../auth/MfaPage";
import { SignInPage } from "../auth/SignInPage";
import { SignUpPage } from "../auth/SignUpPage";
import { matchPath, useLocation } from "./router";
import { Splash } from "./Splash";

export const loadSignedInApp = () => import("./SignedInApp");
const SignedInApp = lazy(loadSignedInApp);

export function App() {
  const status = useAuthStore((state) => state.status);
  useEffect(() => {
    void useAuthStore.getState().bootstrap();
  }, []);

  if (status === "loading") return <Splash />;
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
  if (invitation) return <InvitationPage token={invitation.token} />;
  if (pathname === "/signup") return <SignUpPage />;
  return <SignInPage />;
}
