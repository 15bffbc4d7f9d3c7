; corpus/history/2.6.24-5.12-x86/i386-ident_64-nop.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x921 (bvsub ESP (_ bv4 32))))
(let ((?x259 (bvadd ?x921 (_ bv4 32))))
(let (($x29 (and (distinct ?x259 ESP) true)))
(let (($x920 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x343 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x50 (= TF (_ bv0 1))))
(let (($x156 (= VM (_ bv0 1))))
(let (($x372 (= DF (_ bv0 1))))
(and $x372 $x156 $x50 $x343 (or $x920 $x29)))))))))))
(check-sat)
