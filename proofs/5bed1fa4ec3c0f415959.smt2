; corpus/history/2.6.22-i386/2.6.22-i386-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x393 (bvsub ESP (_ bv4 32))))
(let ((?x86 (bvadd ?x393 (_ bv4 32))))
(let (($x6 (and (distinct ?x86 ESP) true)))
(let (($x419 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x540 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x32 (= TF (_ bv0 1))))
(let (($x251 (= VM (_ bv0 1))))
(let (($x238 (= DF (_ bv0 1))))
(and $x238 $x251 $x32 $x540 (or $x419 $x6)))))))))))
(check-sat)
