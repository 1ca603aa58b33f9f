/*
 * test-mixture.c - distributions against scipy, sampling (KS distance),
 * mixture functions against the reference formulas, JSON round trips and
 * errors, Python-repr number formatting.
 *
 * Golden values: computed with scipy 1.10.1 (Debian 12 python3-scipy) by
 *   scipy.stats.<dist>.pdf/cdf/sf(x, *params)       (dist_gold)
 * and, for the mixture functions, the reference's lib/mix.py formulas on
 * the shipped mixtures/all/length/{flows,packets,octets}.json (mix_gold) and
 * Python's repr(float)                                  (repr_gold).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "flowmodels/mixture.h"
#include "testutil.h"

struct dist_gold {
	enum fm_dist d;
	double p[3];
	double x, pdf, cdf, sf;
};

static const struct dist_gold dist_gold[] = {
    {FM_DIST_UNIFORM, {0.0, 6.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_UNIFORM, {0.0, 6.0}, 0.0, 0.16666666666666666, 0.0, 1.0},
    {FM_DIST_UNIFORM,
     {0.0, 6.0},
     1.0,
     0.16666666666666666,
     0.16666666666666666,
     0.8333333333333334},
    {FM_DIST_UNIFORM,
     {0.0, 6.0},
     2.5,
     0.16666666666666666,
     0.4166666666666667,
     0.5833333333333333},
    {FM_DIST_UNIFORM, {0.0, 6.0}, 6.0, 0.16666666666666666, 1.0, 0.0},
    {FM_DIST_UNIFORM, {0.0, 6.0}, 7.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {0.0, 6.0}, 10.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {0.0, 6.0}, 13.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {0.0, 6.0}, 100.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {0.0, 6.0}, 1000.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {0.0, 6.0}, 50000.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 0.0, 0.0, 0.0, 1.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 1.0, 0.0, 0.0, 1.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 2.5, 0.3333333333333333, 0.0, 1.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 6.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 7.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 10.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 13.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 100.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 1000.0, 0.0, 1.0, 0.0},
    {FM_DIST_UNIFORM, {2.5, 3.0}, 50000.0, 0.0, 1.0, 0.0},
    {FM_DIST_NORM,
     {5.0, 2.0},
     -1.0,
     0.002215924205969004,
     0.0013498980316300933,
     0.9986501019683699},
    {FM_DIST_NORM,
     {5.0, 2.0},
     0.0,
     0.008764150246784268,
     0.006209665325776132,
     0.9937903346742238},
    {FM_DIST_NORM,
     {5.0, 2.0},
     1.0,
     0.026995483256594024,
     0.022750131948179195,
     0.9772498680518208},
    {FM_DIST_NORM,
     {5.0, 2.0},
     2.5,
     0.09132454269451096,
     0.10564977366685535,
     0.8943502263331446},
    {FM_DIST_NORM,
     {5.0, 2.0},
     6.0,
     0.17603266338214973,
     0.6914624612740131,
     0.3085375387259869},
    {FM_DIST_NORM,
     {5.0, 2.0},
     7.0,
     0.12098536225957168,
     0.8413447460685429,
     0.15865525393145707},
    {FM_DIST_NORM,
     {5.0, 2.0},
     10.0,
     0.008764150246784268,
     0.9937903346742238,
     0.006209665325776132},
    {FM_DIST_NORM,
     {5.0, 2.0},
     13.0,
     6.691511288244267e-05,
     0.9999683287581669,
     3.167124183311986e-05},
    {FM_DIST_NORM, {5.0, 2.0}, 100.0, 0.0, 1.0, 0.0},
    {FM_DIST_NORM, {5.0, 2.0}, 1000.0, 0.0, 1.0, 0.0},
    {FM_DIST_NORM, {5.0, 2.0}, 50000.0, 0.0, 1.0, 0.0},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     -1.0,
     0.0,
     0.0,
     1.0},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     0.0,
     0.0,
     0.0,
     1.0},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     1.0,
     0.00022260192554646638,
     2.5720272788260792e-05,
     0.9999742797272118},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     2.5,
     0.02920383090911722,
     0.014161102732796525,
     0.9858388972672035},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     6.0,
     0.12335889791384864,
     0.3374982058474258,
     0.6625017941525742},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     7.0,
     0.11479252382409882,
     0.4573835144796328,
     0.5426164855203671},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     10.0,
     0.06687006966997334,
     0.7308916155666338,
     0.26910838443336615},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     13.0,
     0.03220140355725177,
     0.8743092022458799,
     0.12569079775412006},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     100.0,
     7.141094686858439e-09,
     0.999999935410611,
     6.458938894390958e-08},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     1000.0,
     2.7109903054372687e-25,
     1.0,
     1.3325091666638549e-23},
    {FM_DIST_LOGNORM,
     {0.49364076506762783, 0.0, 7.379776617881778},
     50000.0,
     7.421991796634133e-75,
     1.0,
     1.021982279620108e-71},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     -1.0,
     0.0,
     0.0,
     1.0},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     0.0,
     0.0,
     0.0,
     1.0},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     1.0,
     0.0003664307756265091,
     0.00019695203871438176,
     0.9998030479612856},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     2.5,
     0.0006515903595141522,
     0.0009850991011212482,
     0.9990149008988788},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     6.0,
     0.000935120352998178,
     0.003846378584080944,
     0.996153621415919},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     7.0,
     0.0009776890542353566,
     0.004803627711811327,
     0.9951963722881887},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     10.0,
     0.0010602669139556052,
     0.00787403720107771,
     0.9921259627989223},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     13.0,
     0.0011036544233356538,
     0.011126807105740462,
     0.9888731928942596},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     100.0,
     0.0008567318630076686,
     0.09934897106669144,
     0.9006510289333085},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     1000.0,
     0.00019332190746683338,
     0.43808046578354704,
     0.5619195342164529},
    {FM_DIST_LOGNORM,
     {2.0387101598164863, 0.0, 1373.9749450320094},
     50000.0,
     8.272339016335445e-07,
     0.9610526106615964,
     0.03894738933840353},
    {FM_DIST_LOGNORM, {0.7, 3.0, 20.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_LOGNORM, {0.7, 3.0, 20.0}, 0.0, 0.0, 0.0, 1.0},
    {FM_DIST_LOGNORM, {0.7, 3.0, 20.0}, 1.0, 0.0, 0.0, 1.0},
    {FM_DIST_LOGNORM, {0.7, 3.0, 20.0}, 2.5, 0.0, 0.0, 1.0},
    {FM_DIST_LOGNORM,
     {0.7, 3.0, 20.0},
     6.0,
     0.0048276744599364445,
     0.003362422259079978,
     0.99663757774092},
    {FM_DIST_LOGNORM,
     {0.7, 3.0, 20.0},
     7.0,
     0.010135497493217165,
     0.01074687714472699,
     0.989253122855273},
    {FM_DIST_LOGNORM,
     {0.7, 3.0, 20.0},
     10.0,
     0.026442238377717364,
     0.06684011898053377,
     0.9331598810194662},
    {FM_DIST_LOGNORM,
     {0.7, 3.0, 20.0},
     13.0,
     0.034905639948280456,
     0.16103567984645456,
     0.8389643201535455},
    {FM_DIST_LOGNORM,
     {0.7, 3.0, 20.0},
     100.0,
     0.00046149957939631785,
     0.9879547815909324,
     0.012045218409067564},
    {FM_DIST_LOGNORM,
     {0.7, 3.0, 20.0},
     1000.0,
     9.671182988634561e-11,
     0.999999988268651,
     1.1731349040853342e-08},
    {FM_DIST_LOGNORM,
     {0.7, 3.0, 20.0},
     50000.0,
     8.493391329878364e-33,
     1.0,
     2.6386616537968886e-29},
    {FM_DIST_GENPARETO, {0.6, 10.0, 6.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_GENPARETO, {0.6, 10.0, 6.0}, 0.0, 0.0, 0.0, 1.0},
    {FM_DIST_GENPARETO, {0.6, 10.0, 6.0}, 1.0, 0.0, 0.0, 1.0},
    {FM_DIST_GENPARETO, {0.6, 10.0, 6.0}, 2.5, 0.0, 0.0, 1.0},
    {FM_DIST_GENPARETO, {0.6, 10.0, 6.0}, 6.0, 0.0, 0.0, 1.0},
    {FM_DIST_GENPARETO, {0.6, 10.0, 6.0}, 7.0, 0.0, 0.0, 1.0},
    {FM_DIST_GENPARETO, {0.6, 10.0, 6.0}, 10.0, 0.16666666666666666, 0.0, 1.0},
    {FM_DIST_GENPARETO,
     {0.6, 10.0, 6.0},
     13.0,
     0.08279418017456425,
     0.3542053946383989,
     0.645794605361601},
    {FM_DIST_GENPARETO,
     {0.6, 10.0, 6.0},
     100.0,
     0.0003590724483386468,
     0.9784556530996812,
     0.02154434690031883},
    {FM_DIST_GENPARETO,
     {0.6, 10.0, 6.0},
     1000.0,
     7.735981389354609e-07,
     0.9995358411166387,
     0.00046415888336127757},
    {FM_DIST_GENPARETO,
     {0.6, 10.0, 6.0},
     50000.0,
     2.2799679289022606e-11,
     0.9999993160096213,
     6.839903786706799e-07},
    {FM_DIST_GENPARETO, {-0.25, 1.0, 4.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_GENPARETO, {-0.25, 1.0, 4.0}, 0.0, 0.0, 0.0, 1.0},
    {FM_DIST_GENPARETO, {-0.25, 1.0, 4.0}, 1.0, 0.25, 0.0, 1.0},
    {FM_DIST_GENPARETO,
     {-0.25, 1.0, 4.0},
     2.5,
     0.18607330322265625,
     0.3254842758178711,
     0.6745157241821289},
    {FM_DIST_GENPARETO,
     {-0.25, 1.0, 4.0},
     6.0,
     0.08123779296875,
     0.7765960693359375,
     0.2234039306640625},
    {FM_DIST_GENPARETO,
     {-0.25, 1.0, 4.0},
     7.0,
     0.06103515625000001,
     0.847412109375,
     0.15258789062499997},
    {FM_DIST_GENPARETO,
     {-0.25, 1.0, 4.0},
     10.0,
     0.020935058593750007,
     0.9633636474609375,
     0.0366363525390625},
    {FM_DIST_GENPARETO,
     {-0.25, 1.0, 4.0},
     13.0,
     0.003906250000000002,
     0.99609375,
     0.003906250000000001},
    {FM_DIST_GENPARETO, {-0.25, 1.0, 4.0}, 100.0, 0.0, 1.0, 0.0},
    {FM_DIST_GENPARETO, {-0.25, 1.0, 4.0}, 1000.0, 0.0, 1.0, 0.0},
    {FM_DIST_GENPARETO, {-0.25, 1.0, 4.0}, 50000.0, 0.0, 1.0, 0.0},
    {FM_DIST_GENPARETO, {0.0, 0.0, 5.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_GENPARETO, {0.0, 0.0, 5.0}, 0.0, 0.2, 0.0, 1.0},
    {FM_DIST_GENPARETO,
     {0.0, 0.0, 5.0},
     1.0,
     0.16374615061559636,
     0.18126924692201815,
     0.8187307530779818},
    {FM_DIST_GENPARETO,
     {0.0, 0.0, 5.0},
     2.5,
     0.12130613194252668,
     0.3934693402873666,
     0.6065306597126334},
    {FM_DIST_GENPARETO,
     {0.0, 0.0, 5.0},
     6.0,
     0.06023884238244041,
     0.6988057880877978,
     0.30119421191220214},
    {FM_DIST_GENPARETO,
     {0.0, 0.0, 5.0},
     7.0,
     0.0493193927883213,
     0.7534030360583935,
     0.2465969639416065},
    {FM_DIST_GENPARETO,
     {0.0, 0.0, 5.0},
     10.0,
     0.027067056647322535,
     0.8646647167633873,
     0.1353352832366127},
    {FM_DIST_GENPARETO,
     {0.0, 0.0, 5.0},
     13.0,
     0.014854715642866773,
     0.9257264217856661,
     0.07427357821433388},
    {FM_DIST_GENPARETO,
     {0.0, 0.0, 5.0},
     100.0,
     4.122307244877116e-10,
     0.9999999979388464,
     2.061153622438558e-09},
    {FM_DIST_GENPARETO,
     {0.0, 0.0, 5.0},
     1000.0,
     2.767793053473475e-88,
     1.0,
     1.3838965267367376e-87},
    {FM_DIST_GENPARETO, {0.0, 0.0, 5.0}, 50000.0, 0.0, 1.0, 0.0},
    {FM_DIST_GAMMA, {0.5, 0.0, 3.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_GAMMA, {0.5, 0.0, 3.0}, 0.0, INFINITY, 0.0, 1.0},
    {FM_DIST_GAMMA,
     {0.5, 0.0, 3.0},
     1.0,
     0.2333993321356298,
     0.5857838217574749,
     0.4142161782425251},
    {FM_DIST_GAMMA,
     {0.5, 0.0, 3.0},
     2.5,
     0.08953284063561569,
     0.8032943975410531,
     0.1967056024589432},
    {FM_DIST_GAMMA,
     {0.5, 0.0, 3.0},
     6.0,
     0.017996988837729353,
     0.9544997361036415,
     0.04550026389635857},
    {FM_DIST_GAMMA,
     {0.5, 0.0, 3.0},
     7.0,
     0.011938826067935211,
     0.9692464387407255,
     0.03075356125927451},
    {FM_DIST_GAMMA,
     {0.5, 0.0, 3.0},
     10.0,
     0.003674651550184132,
     0.9901767254924808,
     0.009823274507519235},
    {FM_DIST_GAMMA,
     {0.5, 0.0, 3.0},
     13.0,
     0.001185632253619193,
     0.9967591654284813,
     0.003240834571518678},
    {FM_DIST_GAMMA,
     {0.5, 0.0, 3.0},
     100.0,
     1.0873809147630704e-16,
     0.9999999999999997,
     3.215262727387118e-16},
    {FM_DIST_GAMMA,
     {0.5, 0.0, 3.0},
     1000.0,
     1.7702603214582138e-147,
     1.0,
     5.302850374626984e-147},
    {FM_DIST_GAMMA, {0.5, 0.0, 3.0}, 50000.0, 0.0, 1.0, 0.0},
    {FM_DIST_GAMMA, {3.5, 1.0, 40.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_GAMMA, {3.5, 1.0, 40.0}, 0.0, 0.0, 0.0, 1.0},
    {FM_DIST_GAMMA, {3.5, 1.0, 40.0}, 1.0, 0.0, 0.0, 1.0},
    {FM_DIST_GAMMA,
     {3.5, 1.0, 40.0},
     2.5,
     1.9731310301923793e-06,
     8.527228065128686e-07,
     0.9999991472771935},
    {FM_DIST_GAMMA,
     {3.5, 1.0, 40.0},
     6.0,
     3.6673471537947854e-05,
     5.3879691850525265e-05,
     0.9999461203081494},
    {FM_DIST_GAMMA,
     {3.5, 1.0, 40.0},
     7.0,
     5.642190893047687e-05,
     0.00010003738225207028,
     0.9998999626177479},
    {FM_DIST_GAMMA,
     {3.5, 1.0, 40.0},
     10.0,
     0.00014424601935655732,
     0.00039025002067002567,
     0.9996097499793299},
    {FM_DIST_GAMMA,
     {3.5, 1.0, 40.0},
     13.0,
     0.0002747126083565469,
     0.001008252871644388,
     0.9989917471283556},
    {FM_DIST_GAMMA,
     {3.5, 1.0, 40.0},
     100.0,
     0.006101308232764935,
     0.3339349497607211,
     0.6660650502392789},
    {FM_DIST_GAMMA,
     {3.5, 1.0, 40.0},
     1000.0,
     3.33904949721695e-10,
     0.9999999852249705,
     1.4775029588297774e-08},
    {FM_DIST_GAMMA, {3.5, 1.0, 40.0}, 50000.0, 0.0, 1.0, 0.0},
    {FM_DIST_WEIBULL_MIN, {0.7, 0.0, 50.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_WEIBULL_MIN, {0.7, 0.0, 50.0}, 0.0, INFINITY, 0.0, 1.0},
    {FM_DIST_WEIBULL_MIN,
     {0.7, 0.0, 50.0},
     1.0,
     0.04243576541397113,
     0.06262578486108941,
     0.9373742151389106},
    {FM_DIST_WEIBULL_MIN,
     {0.7, 0.0, 50.0},
     2.5,
     0.03041555663904818,
     0.11557963434421828,
     0.8844203656557817},
    {FM_DIST_WEIBULL_MIN,
     {0.7, 0.0, 50.0},
     6.0,
     0.02108262530940127,
     0.202829849494185,
     0.797170150505815},
    {FM_DIST_WEIBULL_MIN,
     {0.7, 0.0, 50.0},
     7.0,
     0.019616572912495883,
     0.22315654366606197,
     0.776843456333938},
    {FM_DIST_WEIBULL_MIN,
     {0.7, 0.0, 50.0},
     10.0,
     0.016407809065101277,
     0.2768447281277262,
     0.7231552718722738},
    {FM_DIST_WEIBULL_MIN,
     {0.7, 0.0, 50.0},
     13.0,
     0.014206546049618487,
     0.322588645063731,
     0.677411354936269},
    {FM_DIST_WEIBULL_MIN,
     {0.7, 0.0, 50.0},
     100.0,
     0.002240296857452872,
     0.8029907885509089,
     0.19700921144909112},
    {FM_DIST_WEIBULL_MIN,
     {0.7, 0.0, 50.0},
     1000.0,
     1.6591116288815986e-06,
     0.999708890371279,
     0.000291109628721},
    {FM_DIST_WEIBULL_MIN,
     {0.7, 0.0, 50.0},
     50000.0,
     3.7298562020241475e-58,
     1.0,
     2.116235780520897e-55},
    {FM_DIST_WEIBULL_MIN, {1.8, 2.0, 100.0}, -1.0, 0.0, 0.0, 1.0},
    {FM_DIST_WEIBULL_MIN, {1.8, 2.0, 100.0}, 0.0, 0.0, 0.0, 1.0},
    {FM_DIST_WEIBULL_MIN, {1.8, 2.0, 100.0}, 1.0, 0.0, 0.0, 1.0},
    {FM_DIST_WEIBULL_MIN,
     {1.8, 2.0, 100.0},
     2.5,
     0.0002596672512917481,
     7.213239362914497e-05,
     0.9999278676063709},
    {FM_DIST_WEIBULL_MIN,
     {1.8, 2.0, 100.0},
     6.0,
     0.0013664624563568865,
     0.0030412124179912095,
     0.9969587875820088},
    {FM_DIST_WEIBULL_MIN,
     {1.8, 2.0, 100.0},
     7.0,
     0.0016310672065871614,
     0.004541068534897936,
     0.9954589314651021},
    {FM_DIST_WEIBULL_MIN,
     {1.8, 2.0, 100.0},
     10.0,
     0.0023612298108332684,
     0.010550204883672165,
     0.9894497951163279},
    {FM_DIST_WEIBULL_MIN,
     {1.8, 2.0, 100.0},
     13.0,
     0.0030214495940168668,
     0.018639213776583098,
     0.9813607862234169},
    {FM_DIST_WEIBULL_MIN,
     {1.8, 2.0, 100.0},
     100.0,
     0.006752556714708653,
     0.6187455909188969,
     0.38125440908110314},
    {FM_DIST_WEIBULL_MIN,
     {1.8, 2.0, 100.0},
     1000.0,
     5.63658904913249e-29,
     1.0,
     4.970950453075778e-28},
    {FM_DIST_WEIBULL_MIN, {1.8, 2.0, 100.0}, 50000.0, 0.0, 1.0, 0.0},
};

/* Relative error with an absolute floor for values near zero. */
static int close_to(double got, double want, double rel)
{
	if (isinf(want))
		return got == want;
	if (want == got)
		return 1;
	return fabs(got - want) <= rel * fabs(want) + 1e-300;
}

static void test_dist_vs_scipy(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dist_gold) / sizeof(dist_gold[0]); i++) {
		const struct dist_gold *g = &dist_gold[i];
		double pdf = fm_dist_pdf(g->d, g->p, g->x);
		double cdf = fm_dist_cdf(g->d, g->p, g->x);
		double sf = fm_dist_sf(g->d, g->p, g->x);
		if (!close_to(pdf, g->pdf, 1e-12) ||
		    !close_to(cdf, g->cdf, 1e-12) ||
		    !close_to(sf, g->sf, 1e-12))
			fail_msg("%s(%g, %g, %g) at %g: pdf %.17g/%.17g cdf "
				 "%.17g/%.17g sf %.17g/%.17g",
				 fm_dist_name(g->d), g->p[0], g->p[1], g->p[2],
				 g->x, pdf, g->pdf, cdf, g->cdf, sf, g->sf);
	}
}

/* Differential check: the integral of the pdf equals the cdf difference. */
static void test_pdf_integrates_to_cdf(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dist_gold) / sizeof(dist_gold[0]);
	     i += 11) {
		const struct dist_gold *g = &dist_gold[i];
		double a = 11.5, b = 14.0, s = 0;
		int n = 20000;
		/* Simpson's rule */
		for (int k = 0; k <= n; k++) {
			double x = a + (b - a) * k / n;
			double f = fm_dist_pdf(g->d, g->p, x);
			s += f * (k == 0 || k == n ? 1 : k % 2 ? 4 : 2);
		}
		s *= (b - a) / n / 3;
		double want =
		    fm_dist_cdf(g->d, g->p, b) - fm_dist_cdf(g->d, g->p, a);
		if (g->d == FM_DIST_UNIFORM)
			continue; /* its pdf jumps inside the interval */
		if (fabs(s - want) > 1e-9 * (fabs(want) + 1e-6))
			fail_msg("%s: integral %.15g vs cdf difference %.15g",
				 fm_dist_name(g->d), s, want);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Kolmogorov distance of n samples against the distribution's CDF. */
static double ks(enum fm_dist d, const double *p, double *v, size_t n)
{
	double D = 0;
	qsort(v, n, sizeof(double), cmp_double);
	for (size_t i = 0; i < n; i++) {
		double F = fm_dist_cdf(d, p, v[i]);
		double a = fabs(F - (double)i / n),
		       b = fabs(F - (double)(i + 1) / n);
		if (a > D)
			D = a;
		if (b > D)
			D = b;
	}
	return D;
}

static void test_sampling(void **state)
{
	static const struct {
		enum fm_dist d;
		double p[3];
	} cases[] = {
	    {FM_DIST_UNIFORM, {2, 5, 0}},
	    {FM_DIST_NORM, {-3, 2, 0}},
	    {FM_DIST_LOGNORM, {1.2, 0, 40}},
	    {FM_DIST_LOGNORM, {0.5, 3, 2}},
	    {FM_DIST_GENPARETO, {0.7, 6, 4.2}},
	    {FM_DIST_GENPARETO, {-0.3, 0, 2}},
	    {FM_DIST_GENPARETO, {0, 1, 3}},
	    {FM_DIST_GAMMA, {0.6, 0, 3}},
	    {FM_DIST_GAMMA, {7, 2, 0.5}},
	    {FM_DIST_WEIBULL_MIN, {0.6, 0, 10}},
	    {FM_DIST_WEIBULL_MIN, {2.5, 1, 3}},
	};
	size_t n = 50000;
	double *v = malloc(n * sizeof(double));
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	(void)state;
	assert_non_null(v);
	gsl_rng_set(rng, 12345);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (size_t i = 0; i < n; i++)
			v[i] = fm_dist_rvs(cases[c].d, cases[c].p, rng);
		double D = ks(cases[c].d, cases[c].p, v, n);
		/* the 99.9% point of the KS statistic is 1.95 / sqrt(n) */
		if (D > 1.95 / sqrt((double)n))
			fail_msg("%s: KS distance %g", fm_dist_name(cases[c].d),
				 D);
	}
	gsl_rng_free(rng);
	free(v);
}

static void test_names(void **state)
{
	double p[3] = {1, 0, -1};
	struct fm_error err = {0};
	(void)state;
	for (int d = 0; d < FM_DIST_COUNT; d++)
		assert_int_equal(
		    fm_dist_from_name(fm_dist_name((enum fm_dist)d)), d);
	assert_int_equal(fm_dist_from_name("pareto"), -1);
	assert_int_equal(fm_dist_nparams(FM_DIST_NORM), 2);
	assert_int_equal(fm_dist_nparams(FM_DIST_GAMMA), 3);
	assert_int_equal(fm_dist_check(FM_DIST_LOGNORM, p, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "scale"));
	p[2] = 1;
	p[0] = 0;
	assert_int_equal(fm_dist_check(FM_DIST_GAMMA, p, &err), FM_EINVAL);
	p[0] = NAN;
	assert_int_equal(fm_dist_check(FM_DIST_GENPARETO, p, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "not finite"));
}

static const struct {
	double v;
	const char *s;
} repr_gold[] = {
    {0.1, "0.1"},
    {1.0, "1.0"},
    {1e-09, "1e-09"},
    {1.5e+16, "1.5e+16"},
    {1e+16, "1e+16"},
    {123456789012345.0, "123456789012345.0"},
    {1234567890123456.0, "1234567890123456.0"},
    {2.749365122743752e-10, "2.749365122743752e-10"},
    {0.2667839375411922, "0.2667839375411922"},
    {5e-324, "5e-324"},
    {1.7976931348623157e+308, "1.7976931348623157e+308"},
    {-0.0001, "-0.0001"},
    {0.0001, "0.0001"},
    {-2.5, "-2.5"},
    {100.0, "100.0"},
    {1e+22, "1e+22"},
    {3e-05, "3e-05"},
    {1.2345678901234567e+19, "1.2345678901234567e+19"},
    {0.30000000000000004, "0.30000000000000004"},
    {9007199254740992.0, "9007199254740992.0"},
};

static void test_repr(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(repr_gold) / sizeof(repr_gold[0]); i++) {
		struct fm_buf b = FM_BUF_INIT;
		assert_int_equal(fm_json_add_double(&b, repr_gold[i].v), 0);
		assert_string_equal(fm_buf_str(&b), repr_gold[i].s);
		fm_buf_release(&b);
	}
	/* every double written reads back exactly */
	uint64_t s = 7;
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = tu_rand(&s);
		double v;
		memcpy(&v, &bits, sizeof(v));
		if (!isfinite(v))
			continue;
		struct fm_buf b = FM_BUF_INIT;
		assert_int_equal(fm_json_add_double(&b, v), 0);
		assert_true(strtod(fm_buf_str(&b), NULL) == v);
		fm_buf_release(&b);
	}
}

static const char *mixdir(void)
{
	static char path[4300];
	const char *d = tu_shared_data();
	if (!d)
		return NULL;
	snprintf(path, sizeof(path),
		 "%s/agh_2015061019_IPv4_anon/mixtures/all/length", d);
	return path;
}

static const double mix_gold[][6] = {
    /* x, cdf(flows), pdf(flows), avg packets, avg octets, packet size */
    {1.0, 0.4466024844066577, 0.4466024844066577, 1.0000112484745003,
     148.6664758159152, 148.66480356366324},
    {2.0, 0.6270325129238167, 0.1804300285171591, 1.9810733430104164,
     253.80740396604548, 128.11610678702218},
    {3.0, 0.6862763923533369, 0.059243879429520155, 3.139473965228802,
     520.1432560664224, 165.678474109759},
    {7.0, 0.8083762919659082, 0.01811003507304056, 5.196984940899407,
     1366.2127017648725, 262.8856379807849},
    {64.0, 0.9616783865084938, 0.00038379114883235033, 76.65239740357083,
     35059.24927911376, 457.3796836976756},
    {100.0, 0.9707230137248475, 0.0001734453772553494, 118.56607715589409,
     61332.90773035501, 517.2888333794896},
    {1023.0, 0.9936486854970757, 3.8291221033361905e-06, 1084.7241014952722,
     714860.8530976367, 659.0255089863075},
    {1024.0, 0.9936525078222946, 3.81893325797979e-06, 1086.7776652137527,
     716233.818546675, 659.0435573644244},
    {5000.0, 0.9974911088911885, 3.1601650966509586e-07, 4884.8862202006585,
     3700293.159784703, 757.498331175604},
    {100000.0, 0.9998325097133756, 2.0249440140351737e-09, 152315.7004870822,
     138604828.9706605, 909.9838593619935},
    {3000000.0, 0.9999992331132546, 5.025660987747519e-13, 540190.4904435492,
     617940118.6114972, 1143.9300201380959},
};

static void test_mixture_functions(void **state)
{
	struct fm_mixture_dir md;
	struct fm_error err = {0};
	(void)state;
	if (!mixdir())
		skip();
	fm_mixture_dir_init(&md);
	assert_int_equal(fm_mixture_dir_read(&md, mixdir(), &err), 0);
	assert_false(md.has_duration);
	assert_int_equal(md.flows.n, 10);
	for (size_t i = 0; i < sizeof(mix_gold) / sizeof(mix_gold[0]); i++) {
		const double *g = mix_gold[i];
		double x = g[0];
		double got[5] = {
		    fm_mixture_cdf(&md.flows, x),
		    fm_mixture_pdf(&md.flows, x, FM_MIX_X_LENGTH),
		    fm_mixture_avg(&md.flows, &md.packets, x, FM_MIX_X_LENGTH),
		    fm_mixture_avg(&md.flows, &md.octets, x, FM_MIX_X_LENGTH),
		    fm_mixture_packet_size(&md.packets, &md.octets, x,
					   FM_MIX_X_LENGTH),
		};
		for (int k = 0; k < 5; k++)
			if (!close_to(got[k], g[k + 1], 1e-9))
				fail_msg("x %g function %d: %.17g vs %.17g", x,
					 k, got[k], g[k + 1]);
	}
	/* sf = 1 - cdf, computed without cancellation */
	assert_true(fabs(fm_mixture_sf(&md.flows, 1e6) -
			 (1 - fm_mixture_cdf(&md.flows, 1e6))) < 1e-12);
	fm_mixture_dir_release(&md);
}

static void test_json_roundtrip(void **state)
{
	const char *names[] = {"flows", "packets", "octets"};
	(void)state;
	if (!mixdir())
		skip();
	for (int f = 0; f < 3; f++) {
		struct fm_mixture m, m2;
		struct fm_error err = {0};
		struct fm_buf b = FM_BUF_INIT;
		char path[4400];
		size_t len;
		snprintf(path, sizeof(path), "%s/%s.json", mixdir(), names[f]);
		char *orig = tu_read_file(path, &len);
		assert_non_null(orig);
		fm_mixture_init(&m);
		fm_mixture_init(&m2);
		assert_int_equal(fm_mixture_read(&m, path, &err), 0);
		assert_int_equal(fm_mixture_format(&m, &b, &err), 0);
		/* the reference's own layout comes back byte for byte */
		assert_string_equal(fm_buf_str(&b), orig);
		assert_int_equal(fm_mixture_parse(&m2, "x", b.buf, b.len, &err),
				 0);
		assert_int_equal(m2.n, m.n);
		assert_true(m2.sum == m.sum);
		for (size_t k = 0; k < m.n; k++)
			assert_memory_equal(&m.comp[k], &m2.comp[k],
					    sizeof(m.comp[k]));
		fm_buf_release(&b);
		fm_mixture_release(&m);
		fm_mixture_release(&m2);
		free(orig);
	}
}

static void expect_parse_error(const char *text, const char *needle)
{
	struct fm_mixture m;
	struct fm_error err = {0};
	fm_mixture_init(&m);
	int r = fm_mixture_parse(&m, "m.json", text, strlen(text), &err);
	if (r >= 0 || !strstr(err.msg, needle))
		fail_msg("%s: expected error '%s', got %d '%s'", text, needle,
			 r, err.msg);
	assert_int_equal(m.n, 0);
}

static void test_json_errors(void **state)
{
	struct fm_mixture m;
	struct fm_error err = {0};
	struct fm_buf b = FM_BUF_INIT;
	(void)state;
	expect_parse_error(
	    "{\"mix\": [[1, \"pareto\", [1, 2, 3]]]}",
	    "m.json: component 1: unknown distribution 'pareto'");
	expect_parse_error("{\"mix\": [[1, \"lognorm\", [1, 2]]]}",
			   "component 1: lognorm takes 3 parameters (shape, "
			   "loc, scale), got 2");
	expect_parse_error(
	    "{\"mix\": [[0.5, \"norm\", [0, 1]], [1, \"uniform\", [0, 1, 2]]]}",
	    "component 2: uniform takes 2 parameters");
	expect_parse_error("{\"mix\": [[-0.5, \"norm\", [0, 1]]]}",
			   "component 1: negative weight");
	expect_parse_error("{\"mix\": [[NaN, \"norm\", [0, 1]]]}",
			   "m.json:1: invalid JSON");
	expect_parse_error("{\"mix\": [[1e999, \"norm\", [0, 1]]]}",
			   "m.json:1: invalid JSON");
	expect_parse_error("{\"mix\": [[0, \"norm\", [0, 1]]]}",
			   "weights sum to zero");
	expect_parse_error("{\"mix\": []}", "no components");
	expect_parse_error("{\"sum\": 5}", "no \"mix\" member");
	expect_parse_error("[[1, \"norm\", [0, \"a\"]]]",
			   "parameter 2 is a string, not a number");
	expect_parse_error("[[1, \"norm\", [0, -1]]]", "scale -1 must be > 0");
	expect_parse_error("[[1, \"norm\"]]",
			   "expected [weight, \"distribution\", [parameters]]");
	expect_parse_error("{\"mix\": [[1, \"norm\", [0, 1]]],\n \"sum\": -3}",
			   "\"sum\" must be");
	expect_parse_error("\n\n[1,", "m.json:3: invalid JSON");
	expect_parse_error("\"x\"", "expected a mixture object or list");
	/* a bare list is a mixture without a sum; integers stay integers */
	fm_mixture_init(&m);
	const char *t = "[[2, \"gamma\", [2.5, 0, 3]], [1.0, \"weibull_min\", "
			"[1.5, 0.0, 7]]]";
	assert_int_equal(fm_mixture_parse(&m, "m", t, strlen(t), &err), 0);
	assert_false(m.has_sum);
	assert_true(fm_mixture_weight_sum(&m) == 3.0);
	assert_int_equal(fm_mixture_format(&m, &b, &err), 0);
	assert_string_equal(
	    fm_buf_str(&b),
	    "{\n  \"mix\": [\n    [2.0, \"gamma\", [2.5, 0, 3]],\n"
	    "    [1.0, \"weibull_min\", [1.5, 0.0, 7]]\n  ]\n}\n");
	/* normalised weights: cdf is 2/3 gamma + 1/3 weibull */
	double p1[3] = {2.5, 0, 3}, p2[3] = {1.5, 0, 7};
	double want = 2.0 / 3 * fm_dist_cdf(FM_DIST_GAMMA, p1, 5) +
		      1.0 / 3 * fm_dist_cdf(FM_DIST_WEIBULL_MIN, p2, 5);
	assert_true(fabs(fm_mixture_cdf(&m, 5) - want) < 1e-15);
	assert_int_equal(fm_mixture_write(&m, tu_path("m.json"), &err), 0);
	struct fm_mixture m2;
	fm_mixture_init(&m2);
	assert_int_equal(fm_mixture_read(&m2, tu_path("m.json"), &err), 0);
	assert_int_equal(m2.n, 2);
	assert_int_equal(fm_mixture_read(&m2, tu_path("none.json"), &err),
			 FM_ENOTFOUND);
	fm_buf_release(&b);
	fm_mixture_release(&m);
	fm_mixture_release(&m2);
}

/* rvs of discrete x: trunc + 1, size clamped to 64; deterministic by seed. */
static void test_sampler(void **state)
{
	struct fm_mixture m;
	struct fm_mix_sampler s;
	struct fm_error err = {0};
	double p1[2] = {0, 1}, p2[3] = {1.0, 0, 300};
	gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937),
		*b = gsl_rng_alloc(gsl_rng_mt19937);
	size_t ones = 0, n = 100000;
	(void)state;
	fm_mixture_init(&m);
	assert_int_equal(fm_mixture_add(&m, 1, FM_DIST_UNIFORM, p1, NULL, &err),
			 0);
	assert_int_equal(fm_mixture_add(&m, 0, FM_DIST_LOGNORM, p2, NULL, &err),
			 0);
	assert_int_equal(fm_mixture_add(&m, 3, FM_DIST_LOGNORM, p2, NULL, &err),
			 0);
	assert_int_equal(fm_mix_sampler_init(&s, &m, FM_MIX_X_LENGTH, &err), 0);
	gsl_rng_set(a, 1);
	gsl_rng_set(b, 1);
	for (size_t i = 0; i < n; i++) {
		double v = fm_mix_sampler_draw(&s, a);
		assert_true(v >= 1 && v == floor(v));
		assert_true(v == fm_mix_sampler_draw(&s, b));
		ones += v == 1;
	}
	/* P(1) = 1/4 (the uniform) + 3/4 * F_lognorm(1) */
	double want = 0.25 + 0.75 * fm_dist_cdf(FM_DIST_LOGNORM, p2, 1.0);
	assert_true(fabs((double)ones / n - want) < 0.01);
	fm_mix_sampler_release(&s);
	assert_int_equal(fm_mix_sampler_init(&s, &m, FM_MIX_X_SIZE, &err), 0);
	for (size_t i = 0; i < 1000; i++)
		assert_true(fm_mix_sampler_draw(&s, a) >= 64);
	fm_mix_sampler_release(&s);
	fm_mixture_release(&m);
	gsl_rng_free(a);
	gsl_rng_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dist_vs_scipy),
	    cmocka_unit_test(test_pdf_integrates_to_cdf),
	    cmocka_unit_test(test_sampling),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_repr),
	    cmocka_unit_test(test_mixture_functions),
	    cmocka_unit_test(test_json_roundtrip),
	    cmocka_unit_test(test_json_errors),
	    cmocka_unit_test(test_sampler),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
