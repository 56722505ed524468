//! A small line chart of a protocol's measured series against theory (gossip's fraction
//! informed per round with the epidemic curve, SWIM's detection times).

// Trigonometry and powers from the browser (JavaScript's Math): Rust's own are about
// 4 KB gzipped of each module, and only drawing uses them.
use js_sys::Math;
use crate::i18n::t_dyn;
use crate::sim::Plot;
use yew::prelude::*;
use crate::ui::fixed::fixed;

#[derive(Properties, PartialEq)]
pub struct PlotChartProps {
    pub plot: Plot,
}

const W: f64 = 320.0;
const H: f64 = 170.0;
const L: f64 = 38.0;
const B: f64 = 26.0;

/// A round number near `x` for an axis end.
fn nice(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let p = Math::pow(10.0, Math::log10(x).floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|v| *v >= x).unwrap_or(10.0 * p)
}

fn fmt(v: f64) -> String {
    if v.abs() >= 100.0 || v.fract() == 0.0 { fixed(v, 0).to_string() } else { fixed(v, 2).to_string() }
}

#[function_component(PlotChart)]
pub fn plot_chart(p: &PlotChartProps) -> Html {
    let pts = p.plot.series.iter().flat_map(|s| s.points.iter());
    let (xmax, ymax) = pts.fold((0f64, 0f64), |(x, y), (px, py)| (x.max(*px), y.max(*py)));
    let (xmax, ymax) = (nice(xmax), nice(ymax));
    let sx = |x: f64| L + x / xmax * (W - L - 8.0);
    let sy = |y: f64| H - B - y / ymax * (H - B - 8.0);
    html! {
        <figure class="plot" data-testid="plot" data-plot-title={p.plot.title.clone()}>
            <figcaption>{ t_dyn(&p.plot.title) }</figcaption>
            <svg viewBox={format!("0 0 {} {}", fixed(W, 0), fixed(H, 0))} role="img" aria-label={t_dyn(&p.plot.title)}>
                <line class="axis" x1={fixed(L, 0).to_string()} y1={fixed(H - B, 0).to_string()} x2={fixed(W - 8.0, 0).to_string()} y2={fixed(H - B, 0).to_string()} />
                <line class="axis" x1={fixed(L, 0).to_string()} y1="8" x2={fixed(L, 0).to_string()} y2={fixed(H - B, 0).to_string()} />
                <text class="tick" x={fixed(L, 0).to_string()} y={fixed(H - B + 12.0, 0).to_string()}>{ "0" }</text>
                <text class="tick x-end" x={fixed(W - 8.0, 0).to_string()} y={fixed(H - B + 12.0, 0).to_string()}>{ fmt(xmax) }</text>
                <text class="tick y" x={fixed(L - 4.0, 0).to_string()} y="14">{ fmt(ymax) }</text>
                <text class="axis-label" x={fixed((L + W) / 2.0, 0).to_string()} y={fixed(H - 4.0, 0).to_string()}>{ t_dyn(&p.plot.x_label) }</text>
                <text class="axis-label y" x="10" y={fixed((H - B) / 2.0, 0).to_string()} transform={format!("rotate(-90 10 {})", fixed((H - B) / 2.0, 0))}>{ t_dyn(&p.plot.y_label) }</text>
                { for p.plot.series.iter().map(|s| {
                    let d: String = s.points.iter().enumerate()
                        .map(|(i, (x, y))| format!("{}{} {}", if i == 0 { "M" } else { " L" }, fixed(sx(*x), 1), fixed(sy(*y), 1))).collect();
                    html! { <path class={classes!("series", s.class.clone())} d={d}><title>{ t_dyn(&s.name) }</title></path> }
                }) }
            </svg>
            <ul class="legend">
                { for p.plot.series.iter().map(|s| html! { <li class={s.class.clone()}><span class="swatch"></span>{ t_dyn(&s.name) }</li> }) }
            </ul>
        </figure>
    }
}
