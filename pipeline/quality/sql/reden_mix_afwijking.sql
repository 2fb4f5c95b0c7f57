-- Record: each CG-quarter of a v1.1 instroom delivery (or later) with known reasons (the
-- aanmeldingen doorverwezen or niet_geplaatst whose reden_niet_geplaatst is given and not
-- onbekend), when the CG's own last $venster quarters before it with known reasons exist.
-- mix_afwijking = the share of the reasons that moved between the quarter's mix and the
-- pooled mix of those quarters (total variation distance: half the summed absolute
-- differences of the shares, 0 = the same mix, 1 = no reason in common), minus a noise margin
-- $ruis x sqrt(1 / n_kwartaal + 1 / n_historie), so a small count's chance mix is not
-- flagged. The unknown reasons are left out (their share is reden_niet_geplaatst_onbekend's).
WITH telling AS (
    SELECT centrumgemeente, kwartaal, reden_niet_geplaatst AS reden, count(*) AS n
    FROM dq_instroom
    WHERE formaatversie <> '1' AND uitkomst IN ('doorverwezen', 'niet_geplaatst')
      AND coalesce(reden_niet_geplaatst, 'onbekend') <> 'onbekend'
    GROUP BY ALL
), kwartalen AS (
    SELECT centrumgemeente, kwartaal, sum(n) AS totaal,
           row_number() OVER (PARTITION BY centrumgemeente
                              ORDER BY kwartaalnummer(kwartaal)) AS rang
    FROM telling GROUP BY centrumgemeente, kwartaal
), historie AS (
    SELECT a.centrumgemeente, a.kwartaal, t.reden, sum(t.n) AS n, count(DISTINCT b.kwartaal) AS k
    FROM kwartalen AS a
    JOIN kwartalen AS b
      ON b.centrumgemeente = a.centrumgemeente AND b.rang BETWEEN a.rang - $venster AND a.rang - 1
    JOIN telling AS t ON t.centrumgemeente = b.centrumgemeente AND t.kwartaal = b.kwartaal
    GROUP BY ALL
), historie_totaal AS (
    SELECT centrumgemeente, kwartaal, sum(n) AS totaal, max(k) AS k
    FROM historie GROUP BY ALL
), redenen AS (
    SELECT t.centrumgemeente, t.kwartaal, t.reden FROM telling AS t
    JOIN historie_totaal USING (centrumgemeente, kwartaal)
    UNION
    SELECT centrumgemeente, kwartaal, reden FROM historie
), aandelen AS (
    SELECT r.centrumgemeente, r.kwartaal, r.reden,
           coalesce(t.n, 0) / k.totaal AS nu, coalesce(h.n, 0) / ht.totaal AS eerder,
           k.totaal AS n_kwartaal, ht.totaal AS n_historie, ht.k
    FROM redenen AS r
    JOIN kwartalen AS k USING (centrumgemeente, kwartaal)
    JOIN historie_totaal AS ht USING (centrumgemeente, kwartaal)
    LEFT JOIN telling AS t USING (centrumgemeente, kwartaal, reden)
    LEFT JOIN historie AS h USING (centrumgemeente, kwartaal, reden)
)
SELECT centrumgemeente, kwartaal,
       0.5 * sum(abs(nu - eerder)) - $ruis * sqrt(1 / any_value(n_kwartaal)
                                                  + 1 / any_value(n_historie)) AS mix_afwijking,
       format('{} (de {} kwartalen ervoor: {})',
              string_agg(format('{} {}%', reden, round(100 * nu)::INTEGER), ', '
                         ORDER BY reden),
              any_value(k),
              string_agg(format('{} {}%', reden, round(100 * eerder)::INTEGER), ', '
                         ORDER BY reden)) AS detail
FROM aandelen
GROUP BY centrumgemeente, kwartaal
